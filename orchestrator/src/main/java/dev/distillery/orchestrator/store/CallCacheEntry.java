package dev.distillery.orchestrator.store;

import java.time.Instant;

/**
 * A cached model call: the model id, the response as JSON, and what it cost in tokens. {@code createdAt} is set by the
 * store when it is {@code null}.
 *
 * <p>Usage: {@code cache.put(key, new CallCacheEntry("gpt-4o-mini", responseJson, 812, 240, null));}
 */
public record CallCacheEntry(String model, String responseJson, long tokensIn, long tokensOut, Instant createdAt) {
}
