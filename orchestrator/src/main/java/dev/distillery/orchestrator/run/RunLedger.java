package dev.distillery.orchestrator.run;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the executor records about a run, durably: stage states and fingerprints, which work items are done, counters,
 * events and metrics. The run store implements it on its embedded database; every method is thread-safe and a call
 * that returns has been committed (a run killed right after finds it on resume).
 */
public interface RunLedger {

    enum StageStatus { PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED }

    /**
     * @param fingerprint hash of the stage's spec and its inputs' fingerprints when it last started
     * @param committed   output records committed (what downstream stages may read, and what survives a crash)
     */
    record StageState(StageStatus status, String fingerprint, long committed) {
    }

    /** The counters every stage keeps; the dashboard and progress lines show them. */
    enum Counter { IN, OUT, REJECTED, DEAD_LETTERED, TOKENS_IN, TOKENS_OUT, COST_MICRO_USD }

    Optional<StageState> stage(String stage);

    /**
     * Registers a stage of this attempt with its fingerprint (before any stage runs, so a stage that fails while
     * waiting for its inputs can be recorded); keeps its done items when the fingerprint is unchanged.
     */
    void stageRegistered(String stage, String kind, String fingerprint);

    /** The stage begins work. */
    void stageStarted(String stage);

    void stageFinished(String stage, StageStatus status, String error);

    /** Forgets a stage's items, counters and committed count: its spec or inputs changed. */
    void resetStage(String stage);

    boolean isDone(String stage, String itemKey);

    /**
     * For runners that finish items out of order: marks work items done together with the stage's committed output count after their outputs were written (and
     * the items' IN, OUT and REJECTED counts): all in one transaction, so on resume the output file is cut back to
     * exactly what done items produced.
     *
     * @param rejected how many of the items produced nothing on purpose (filtered)
     */
    void commit(String stage, List<String> itemKeys, long committedAfter, long rejected);

    /**
     * In-order progress: the next {@code items} input records of the stage are done and its committed output count
     * is {@code committedAfter}; the IN, OUT, REJECTED and DEAD_LETTERED counts move with it in one transaction. The
     * IN count then says which prefix of the inputs is done (no per-item record).
     */
    void commitInOrder(String stage, long items, long committedAfter, long rejected, long deadLettered);

    /** Sets the committed count of a barrier stage (no per-item tracking), with its IN and REJECTED counts. */
    void commitAll(String stage, long committed, long in, long rejected);

    void count(String stage, Counter counter, long delta);

    Map<Counter, Long> counters(String stage);

    /** How long a finished stage ran (its last attempt); empty while it runs or when the ledger does not know. */
    default Optional<java.time.Duration> elapsed(String stage) {
        return Optional.empty();
    }

    void event(String stage, String type, Map<String, Object> payload);

    void metric(String stage, String series, long step, double value);
}
