/**
 * Retries with full-jitter backoff honouring {@code Retry-After}, per-attempt timeouts and admission through the
 * endpoint's limiter; {@link dev.distillery.generators.model.retry.Failure} classifies what went wrong.
 */
package dev.distillery.generators.model.retry;
