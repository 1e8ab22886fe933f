/**
 * The persistent, content-addressed call cache: {@link dev.distillery.generators.model.cache.CacheKey},
 * {@link dev.distillery.generators.model.cache.CallCacheStore} (JSONL file or in memory) and the decorator
 * {@link dev.distillery.generators.model.cache.CachingChatModel}, which also coalesces identical calls in flight.
 */
package dev.distillery.generators.model.cache;
