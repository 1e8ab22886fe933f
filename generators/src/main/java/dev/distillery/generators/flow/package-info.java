/**
 * The flow SPI and its runner: {@link dev.distillery.generators.flow.Flow} (the plugin unit, found through
 * {@link dev.distillery.generators.flow.Flows}), {@link dev.distillery.generators.flow.FlowRunner} (the one way to run
 * a flow: batches, targets, budgets, dead letters) and the helpers flows share. Results are values
 * ({@link dev.distillery.generators.flow.FlowResult}), so a failure never kills a batch.
 */
package dev.distillery.generators.flow;
