package dev.distillery.generators.model.accounting;

import dev.distillery.generators.model.CallScope;
import dev.distillery.generators.model.ModelCallException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Tokens, calls, cache hits, failures and cost per (model, flow, stage), safe to update from any number of threads.
 * Cost comes from a per-model price table (USD per million tokens); models without a price are free (local).
 *
 * <pre>{@code
 * UsageLedger ledger = new UsageLedger(Map.of("gpt-4o-mini", new Price(0.15, 0.60)));
 * ... run ...
 * UsageSnapshot s = ledger.snapshot(); System.out.println(s.total().costUsd());
 * }</pre>
 */
public final class UsageLedger {

    private final Map<String, Price> prices = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, Counters> lines = new ConcurrentHashMap<>();

    public UsageLedger() {
        this(Map.of());
    }

    /** @param prices model name to price; absent models cost nothing */
    public UsageLedger(Map<String, Price> prices) {
        this.prices.putAll(prices);
    }

    /** Sets or replaces the price of {@code model}. */
    public void price(String model, Price price) {
        prices.put(Objects.requireNonNull(model, "model"), Objects.requireNonNull(price, "price"));
    }

    /** A paid call that answered, with the provider's token counts (null counts as 0). */
    public void recordCall(String model, CallScope scope, Integer inputTokens, Integer outputTokens, int attempts) {
        Counters c = counters(model, scope);
        c.calls.increment();
        if (attempts > 1) c.retries.add(attempts - 1);
        long in = inputTokens == null ? 0 : inputTokens;
        long out = outputTokens == null ? 0 : outputTokens;
        c.inputTokens.add(in);
        c.outputTokens.add(out);
    }

    /** A call answered from the call cache (or coalesced with an identical call in flight): nothing paid. */
    public void recordCacheHit(String model, CallScope scope) {
        counters(model, scope).cacheHits.increment();
    }

    /** A call that finally failed after {@code attempts} attempts. */
    public void recordFailure(String model, CallScope scope, ModelCallException.Kind kind, int attempts) {
        Counters c = counters(model, scope);
        c.failures.increment();
        if (attempts > 1) c.retries.add(attempts - 1);
        c.failuresByKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** A consistent-enough copy of every line (each counter is read once; concurrent updates may land either side). */
    public UsageSnapshot snapshot() {
        List<UsageSnapshot.Line> out = new ArrayList<>();
        lines.forEach((k, c) -> {
            long in = c.inputTokens.sum();
            long outTokens = c.outputTokens.sum();
            Map<ModelCallException.Kind, Long> byKind = new EnumMap<>(ModelCallException.Kind.class);
            c.failuresByKind.forEach((kind, n) -> byKind.put(kind, n.sum()));
            out.add(new UsageSnapshot.Line(k.model, k.flow, k.stage, c.calls.sum(), c.cacheHits.sum(), c.failures.sum(),
                    c.retries.sum(), in, outTokens, prices.getOrDefault(k.model, Price.FREE).cost(in, outTokens), byKind));
        });
        out.sort(Comparator.comparing(UsageSnapshot.Line::model)
                .thenComparing(l -> String.valueOf(l.flow())).thenComparing(l -> String.valueOf(l.stage())));
        return new UsageSnapshot(out);
    }

    private Counters counters(String model, CallScope scope) {
        CallScope s = scope == null ? CallScope.NONE : scope;
        return lines.computeIfAbsent(new Key(Objects.requireNonNull(model, "model"), s.flow(), s.stage()), k -> new Counters());
    }

    private record Key(String model, String flow, String stage) {
    }

    private static final class Counters {
        final LongAdder calls = new LongAdder();
        final LongAdder cacheHits = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder retries = new LongAdder();
        final LongAdder inputTokens = new LongAdder();
        final LongAdder outputTokens = new LongAdder();
        final ConcurrentHashMap<ModelCallException.Kind, LongAdder> failuresByKind = new ConcurrentHashMap<>();
    }
}
