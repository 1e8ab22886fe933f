package dev.distillery.trainers.training;

import dev.distillery.trainers.optim.AdamW;
import dev.distillery.trainers.optim.LearningRateSchedule;

/**
 * How a run trains; every field has a sensible default in {@link #defaults()}.
 *
 * <pre>{@code
 * TrainingSettings s = TrainingSettings.defaults().withLearningRate(2e-4).withEpochs(3);
 * }</pre>
 *
 * @param microBatchRows        rows per forward/backward
 * @param gradientAccumulation  micro-batches per optimizer step
 * @param maxSeqLen             tokens per row
 * @param packing               pack several examples per row (best-fit decreasing)
 * @param epochs                passes over the data (ignored when {@code maxSteps} > 0)
 * @param maxSteps              optimizer steps, or 0 to use {@code epochs}
 * @param schedule              learning-rate schedule
 * @param learningRate          peak learning rate
 * @param warmupRatio           share of the steps spent warming up
 * @param maxGradNorm           global-norm clipping, 0 to disable
 * @param adam                  AdamW settings
 * @param seed                  shuffling, LoRA dropout and initialisation seed
 * @param checkpointEvery       save every this many optimizer steps (0: only at the end)
 * @param evalEvery             evaluate every this many steps (0: only at the end)
 */
public record TrainingSettings(int microBatchRows, int gradientAccumulation, int maxSeqLen, boolean packing, int epochs,
                               int maxSteps, LearningRateSchedule.Kind schedule, double learningRate, double warmupRatio,
                               double maxGradNorm, AdamW.Settings adam, long seed, int checkpointEvery, int evalEvery) {

    public TrainingSettings {
        check(microBatchRows >= 1, "micro-batch rows must be >= 1");
        check(gradientAccumulation >= 1, "gradient accumulation must be >= 1");
        check(maxSeqLen >= 2, "max length must be >= 2");
        check(epochs >= 1 || maxSteps >= 1, "need epochs >= 1 or max steps >= 1");
        check(maxSteps >= 0, "max steps must be >= 0");
        check(learningRate >= 0, "learning rate must be >= 0");
        check(warmupRatio >= 0 && warmupRatio < 1, "warmup ratio must be in [0, 1)");
        check(checkpointEvery >= 0 && evalEvery >= 0, "checkpoint/eval intervals must be >= 0");
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** TRL-like defaults for LoRA SFT on a small model. */
    public static TrainingSettings defaults() {
        return new TrainingSettings(8, 1, 512, false, 1, 0, LearningRateSchedule.Kind.LINEAR, 2e-4, 0.03, 1.0,
                AdamW.Settings.defaults(), 42, 0, 0);
    }

    public TrainingSettings withLearningRate(double lr) {
        return new TrainingSettings(microBatchRows, gradientAccumulation, maxSeqLen, packing, epochs, maxSteps, schedule,
                lr, warmupRatio, maxGradNorm, adam, seed, checkpointEvery, evalEvery);
    }

    public TrainingSettings withEpochs(int n) {
        return new TrainingSettings(microBatchRows, gradientAccumulation, maxSeqLen, packing, n, maxSteps, schedule,
                learningRate, warmupRatio, maxGradNorm, adam, seed, checkpointEvery, evalEvery);
    }

    public TrainingSettings withMaxSteps(int n) {
        return new TrainingSettings(microBatchRows, gradientAccumulation, maxSeqLen, packing, epochs, n, schedule,
                learningRate, warmupRatio, maxGradNorm, adam, seed, checkpointEvery, evalEvery);
    }

    public TrainingSettings withBatch(int rows, int accumulation, int seqLen) {
        return new TrainingSettings(rows, accumulation, seqLen, packing, epochs, maxSteps, schedule, learningRate,
                warmupRatio, maxGradNorm, adam, seed, checkpointEvery, evalEvery);
    }

    public TrainingSettings withSchedule(LearningRateSchedule.Kind kind, double warmup) {
        return new TrainingSettings(microBatchRows, gradientAccumulation, maxSeqLen, packing, epochs, maxSteps, kind,
                learningRate, warmup, maxGradNorm, adam, seed, checkpointEvery, evalEvery);
    }

    public TrainingSettings withCheckpoints(int every, int evalEvery) {
        return new TrainingSettings(microBatchRows, gradientAccumulation, maxSeqLen, packing, epochs, maxSteps, schedule,
                learningRate, warmupRatio, maxGradNorm, adam, seed, every, evalEvery);
    }

    public TrainingSettings withSeed(long s) {
        return new TrainingSettings(microBatchRows, gradientAccumulation, maxSeqLen, packing, epochs, maxSteps, schedule,
                learningRate, warmupRatio, maxGradNorm, adam, s, checkpointEvery, evalEvery);
    }

    public TrainingSettings withPacking(boolean p) {
        return new TrainingSettings(microBatchRows, gradientAccumulation, maxSeqLen, p, epochs, maxSteps, schedule,
                learningRate, warmupRatio, maxGradNorm, adam, seed, checkpointEvery, evalEvery);
    }

    public TrainingSettings withClipping(double maxNorm) {
        return new TrainingSettings(microBatchRows, gradientAccumulation, maxSeqLen, packing, epochs, maxSteps, schedule,
                learningRate, warmupRatio, maxNorm, adam, seed, checkpointEvery, evalEvery);
    }

    public TrainingSettings withAdam(AdamW.Settings a) {
        return new TrainingSettings(microBatchRows, gradientAccumulation, maxSeqLen, packing, epochs, maxSteps, schedule,
                learningRate, warmupRatio, maxGradNorm, a, seed, checkpointEvery, evalEvery);
    }
}
