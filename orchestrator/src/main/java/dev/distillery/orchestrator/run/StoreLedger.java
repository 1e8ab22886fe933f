package dev.distillery.orchestrator.run;

import dev.distillery.orchestrator.store.Counters;
import dev.distillery.orchestrator.store.RunStore;
import dev.distillery.orchestrator.store.StageRecord;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link RunLedger} of one run, kept in the {@link RunStore}: a stage's committed output count is its
 * {@code records_out} counter, which moves in the same transaction as the work items it belongs to.
 *
 * <pre>{@code RunLedger ledger = new StoreLedger(store, run.id());}</pre>
 */
public final class StoreLedger implements RunLedger {

    private final RunStore store;
    private final String runId;
    /** The committed count each running stage last reported, to turn absolute counts into counter deltas. */
    private final Map<String, Long> committed = new ConcurrentHashMap<>();

    public StoreLedger(RunStore store, String runId) {
        this.store = store;
        this.runId = runId;
    }

    @Override
    public Optional<StageState> stage(String stage) {
        return store.stage(runId, stage).map(r -> new StageState(status(r.status()), r.fingerprint(),
                r.counters().recordsOut()));
    }

    @Override
    public void stageRegistered(String stage, String kind, String fingerprint) {
        StageRecord r = store.upsertStage(runId, stage, kind, fingerprint);
        committed.put(stage, r.counters().recordsOut());
    }

    @Override
    public Optional<java.time.Duration> elapsed(String stage) {
        return store.stage(runId, stage).filter(r -> r.startedAt() != null && r.finishedAt() != null)
                .map(r -> java.time.Duration.between(r.startedAt(), r.finishedAt()));
    }

    @Override
    public void stageStarted(String stage) {
        store.markStage(runId, stage, dev.distillery.orchestrator.store.StageStatus.RUNNING, null);
    }

    @Override
    public void stageFinished(String stage, RunLedger.StageStatus status, String error) {
        // Counters are batched; a finished stage's must be on disk before it is marked finished.
        store.flushCounters();
        store.markStage(runId, stage, dev.distillery.orchestrator.store.StageStatus.valueOf(status.name()), error);
    }

    @Override
    public void resetStage(String stage) {
        store.resetStage(runId, stage);
        committed.put(stage, 0L);
    }

    @Override
    public boolean isDone(String stage, String itemKey) {
        return store.isDone(runId, stage, itemKey);
    }

    @Override
    public void commit(String stage, List<String> itemKeys, long committedAfter, long rejected) {
        long before = committed.getOrDefault(stage, 0L);
        store.markItemsDone(runId, stage, itemKeys,
                new Counters(itemKeys.size(), committedAfter - before, rejected, 0, 0, 0, 0));
        committed.put(stage, committedAfter);
    }

    @Override
    public void commitInOrder(String stage, long items, long committedAfter, long rejected, long deadLettered) {
        long before = committed.getOrDefault(stage, 0L);
        store.commitProgress(runId, stage, new Counters(items, committedAfter - before, rejected, deadLettered, 0, 0, 0));
        committed.put(stage, committedAfter);
    }

    @Override
    public void commitAll(String stage, long count, long in, long rejected) {
        long before = committed.getOrDefault(stage, 0L);
        store.addCounters(runId, stage, new Counters(in, count - before, rejected, 0, 0, 0, 0));
        store.flushCounters();
        committed.put(stage, count);
    }

    @Override
    public void count(String stage, Counter counter, long delta) {
        Counters c = switch (counter) {
            case IN -> new Counters(delta, 0, 0, 0, 0, 0, 0);
            case OUT -> new Counters(0, delta, 0, 0, 0, 0, 0);
            case REJECTED -> new Counters(0, 0, delta, 0, 0, 0, 0);
            case DEAD_LETTERED -> new Counters(0, 0, 0, delta, 0, 0, 0);
            case TOKENS_IN -> new Counters(0, 0, 0, 0, delta, 0, 0);
            case TOKENS_OUT -> new Counters(0, 0, 0, 0, 0, delta, 0);
            case COST_MICRO_USD -> new Counters(0, 0, 0, 0, 0, 0, delta);
        };
        if (!c.isZero()) store.addCounters(runId, stage, c);
    }

    @Override
    public Map<Counter, Long> counters(String stage) {
        Map<Counter, Long> out = new EnumMap<>(Counter.class);
        store.stage(runId, stage).ifPresent(r -> {
            Counters c = r.counters();
            out.put(Counter.IN, c.recordsIn());
            out.put(Counter.OUT, c.recordsOut());
            out.put(Counter.REJECTED, c.rejected());
            out.put(Counter.DEAD_LETTERED, c.deadLettered());
            out.put(Counter.TOKENS_IN, c.tokensIn());
            out.put(Counter.TOKENS_OUT, c.tokensOut());
            out.put(Counter.COST_MICRO_USD, c.costMicros());
        });
        return out;
    }

    @Override
    public void event(String stage, String type, Map<String, Object> payload) {
        store.appendEvent(runId, stage, type, payload);
    }

    @Override
    public void metric(String stage, String series, long step, double value) {
        store.appendMetric(runId, stage, series, step, value);
    }

    private static RunLedger.StageStatus status(dev.distillery.orchestrator.store.StageStatus s) {
        return s == dev.distillery.orchestrator.store.StageStatus.SKIPPED ? RunLedger.StageStatus.SUCCEEDED
                : RunLedger.StageStatus.valueOf(s.name());
    }
}
