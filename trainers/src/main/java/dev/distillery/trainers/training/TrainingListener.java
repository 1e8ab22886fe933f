package dev.distillery.trainers.training;

/** Receives progress from a training run: the CLI draws a progress bar, the orchestrator streams metrics. */
public interface TrainingListener {

    /**
     * One optimizer step is done.
     *
     * @param step             optimizer steps completed
     * @param totalSteps       steps the run will make
     * @param loss             token-mean loss of the step
     * @param learningRate     learning rate used
     * @param gradNorm         global gradient norm before clipping
     * @param tokens           scored tokens in the step
     * @param tokensPerSecond  all tokens processed (scored or not) per second, for this step
     */
    default void onStep(int step, int totalSteps, double loss, double learningRate, double gradNorm, long tokens,
                        double tokensPerSecond) {
    }

    /**
     * The objective's own per-step metrics, called right after {@link #onStep} for the same step when the objective
     * reports any (preference objectives report TRL's {@code rewards/chosen}, {@code rewards/rejected},
     * {@code rewards/margins}, {@code rewards/accuracies}, ...). Separate from {@code onStep} because the set of
     * names depends on the objective; the map is a read-only copy, safe to keep.
     */
    default void onMetrics(int step, java.util.Map<String, Double> metrics) {
    }

    /** An evaluation finished; {@code perplexity} is NaN when the loss is not a token NLL (preference losses). */
    default void onEval(int step, double loss, double perplexity) {
    }

    /** A checkpoint was written. */
    default void onCheckpoint(int step, java.nio.file.Path dir) {
    }

    TrainingListener NONE = new TrainingListener() {
    };
}
