/**
 * Adaptive concurrency per model endpoint: {@link dev.distillery.generators.model.concurrency.AimdLimiter}
 * (additive increase, multiplicative decrease on 429 and timeouts).
 */
package dev.distillery.generators.model.concurrency;
