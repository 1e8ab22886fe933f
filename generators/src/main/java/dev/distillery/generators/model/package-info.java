/**
 * Model access: one entry point, {@link dev.distillery.generators.model.ModelAccess}, that turns a
 * {@link dev.distillery.generators.model.ProviderSpec} into a LangChain4j {@code ChatModel} with, from the outside,
 * a call cache, token and cost accounting, AIMD admission with retries and timeouts, and the provider. A call that
 * finally fails throws {@link dev.distillery.generators.model.ModelCallException}; flows turn it into a
 * {@link dev.distillery.generators.model.DeadLetter}. See {@code docs/model-access.md}.
 *
 * <pre>{@code ChatModel teacher = ModelAccess.builder().provider(spec).cache(store).ledger(ledger).build();}</pre>
 */
package dev.distillery.generators.model;
