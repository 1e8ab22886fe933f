/**
 * Tokens, calls, cache hits, failures and cost per (model, flow, stage):
 * {@link dev.distillery.generators.model.accounting.UsageLedger} and its decorator.
 */
package dev.distillery.generators.model.accounting;
