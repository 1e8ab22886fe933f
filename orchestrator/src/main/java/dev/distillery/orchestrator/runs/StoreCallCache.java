package dev.distillery.orchestrator.runs;

import dev.distillery.datasets.json.Json;
import dev.distillery.generators.model.cache.CachedCall;
import dev.distillery.generators.model.cache.CallCacheStore;
import dev.distillery.orchestrator.store.CallCacheEntry;
import dev.distillery.orchestrator.store.CallCacheRepository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;

/**
 * The generators' call cache on the run store's {@code call_cache} table: every run of a workspace shares it, so a
 * resumed or repeated run pays for no call twice.
 */
final class StoreCallCache implements CallCacheStore {

    private final CallCacheRepository repository;

    StoreCallCache(CallCacheRepository repository) {
        this.repository = repository;
    }

    @Override
    public Optional<CachedCall> get(String key) {
        return repository.get(key).map(e -> {
            try {
                return Json.MAPPER.readValue(e.responseJson(), CachedCall.class);
            } catch (IOException ex) {
                throw new UncheckedIOException("call cache entry " + key + " is not readable: " + ex.getMessage(), ex);
            }
        });
    }

    @Override
    public void put(CachedCall call) {
        repository.put(call.key(), new CallCacheEntry(call.model() == null ? "" : call.model(), Json.string(call),
                call.inputTokens() == null ? 0 : call.inputTokens(), call.outputTokens() == null ? 0 : call.outputTokens(),
                Instant.now()));
    }

    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, repository.size());
    }

    @Override
    public void close() {
        // The store owns the table and closes with the run.
    }
}
