package dev.distillery.orchestrator.store;

import java.util.Optional;

/**
 * The persistent model-call cache inside the run store (table {@code call_cache}), shared by every run of a
 * workspace. Keys are content addresses computed by the generators (a hash of model, parameters and messages), so an
 * identical call in a resumed or repeated run is answered from here and not paid for twice. A {@code put} returns
 * only once the entry is durable. The generators' cache interface can be adapted onto this class.
 *
 * <p>Usage: {@code store.callCache().get(key).orElseGet(() -> { var e = call(); store.callCache().put(key, e); return e; });}
 */
public final class CallCacheRepository {

    private final RunStore store;

    CallCacheRepository(RunStore store) {
        this.store = store;
    }

    /** The cached entry for {@code key}, if any. */
    public Optional<CallCacheEntry> get(String key) {
        return store.cacheGet(key);
    }

    /**
     * Stores {@code entry} under {@code key}, replacing an older one. Known secret values (environment keys, key-shaped
     * strings) are masked in the response; field names are left alone because a response's {@code "token"} fields
     * are data.
     */
    public void put(String key, CallCacheEntry entry) {
        store.cachePut(key, entry);
    }

    /** How many entries the cache holds. */
    public long size() {
        return store.cacheSize();
    }
}
