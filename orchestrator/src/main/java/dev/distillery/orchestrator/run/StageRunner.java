package dev.distillery.orchestrator.run;

/**
 * Executes one kind of stage. Built-in runners are in {@link StageRunners}; a plugin stage kind registers a runner
 * in {@code META-INF/services/dev.distillery.orchestrator.run.StageRunner} beside its
 * {@link dev.distillery.orchestrator.spec.StageKind}.
 *
 * <p>A <b>streaming</b> runner handles its input record by record as upstream stages commit them. One that keeps
 * input order (every built-in one) reads {@link StageContext#inputs()}, which starts after what earlier attempts
 * finished, and commits batches with {@link StageContext#commitNext}; one that finishes items out of order reads
 * {@link StageContext#allInputs()}, skips items the ledger already has ({@link StageContext#isDone}) and reports
 * each item's outputs with {@link StageContext#emit}. Either way a resumed run continues where it stopped. A <b>barrier</b> runner (dedup, export, training) starts when all its
 * inputs are finished and, when resumed, recomputes from scratch (it is cheap, or has its own checkpoints).
 */
public interface StageRunner {

    /** The stage kind it runs, e.g. {@code filter}. */
    String kind();

    boolean barrier();

    /**
     * Whether an unfinished attempt may continue rather than start over: streaming runners continue from the
     * ledger; a barrier runner with its own checkpoints (training) says so here and keeps its stage directory.
     */
    default boolean resumable() {
        return !barrier();
    }

    void run(StageContext ctx) throws Exception;

    /**
     * What the stage reads from outside the pipeline (a source file's size and modification time), so that a
     * changed file changes the stage's fingerprint and a resume recomputes it; null when nothing.
     */
    default Object externalInputs(dev.distillery.orchestrator.spec.StageSpec stage, java.nio.file.Path baseDir) {
        return null;
    }
}
