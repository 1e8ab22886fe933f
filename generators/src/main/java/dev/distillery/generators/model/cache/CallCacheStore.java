package dev.distillery.generators.model.cache;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where answered calls are kept by content address. The file implementation ({@link FileCallCacheStore}) serves
 * runs on their own; the orchestrator may keep the same entries in its run database instead.
 *
 * <pre>{@code try (CallCacheStore store = FileCallCacheStore.open(runDir.resolve("calls.jsonl"))) { ... }}</pre>
 */
public interface CallCacheStore extends AutoCloseable {

    /** The cached answer for {@code key}, if any. */
    Optional<CachedCall> get(String key);

    /** Keeps {@code call}; a later {@code put} of the same key replaces it. */
    void put(CachedCall call);

    /** How many keys are stored. */
    int size();

    @Override
    void close();

    /** A store that lives as long as the process: for tests and one-off runs that need coalescing only. */
    static CallCacheStore inMemory() {
        ConcurrentHashMap<String, CachedCall> map = new ConcurrentHashMap<>();
        return new CallCacheStore() {
            @Override
            public Optional<CachedCall> get(String key) {
                return Optional.ofNullable(map.get(key));
            }

            @Override
            public void put(CachedCall call) {
                map.put(call.key(), call);
            }

            @Override
            public int size() {
                return map.size();
            }

            @Override
            public void close() {
            }
        };
    }
}
