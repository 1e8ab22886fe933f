package dev.distillery.trainers.training;

import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.SequenceScores;
import dev.distillery.trainers.engine.TrainingModel;
import dev.distillery.trainers.optim.AdamW;
import dev.distillery.trainers.optim.GradientClipping;
import dev.distillery.trainers.optim.LearningRateSchedule;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * The optimisation loop every method shares: seeded shuffling per epoch, micro-batches and gradient accumulation
 * normalised over the whole step, global-norm clipping, AdamW with a warmup schedule, divergence checks, metrics,
 * periodic evaluation and atomic checkpoints with an exact resume.
 *
 * <p>Determinism: the order of epoch e is a shuffle seeded by (seed, e); dropout is reseeded per micro-batch from
 * (seed, step, micro-batch); so a resumed run sees exactly the batches and masks it would have seen.
 *
 * @param <U> the unit the objective trains on
 */
final class TrainingLoop<U> {

    /** Keep the two newest checkpoints: the last one may be mid-write when a run is killed. */
    private static final int KEEP_CHECKPOINTS = 2;

    private final TrainingModel model;
    private final TrainingSettings settings;
    private final Path output;
    private final Objective<U> objective;

    TrainingLoop(TrainingModel model, TrainingSettings settings, Path output, Objective<U> objective) {
        this.model = model;
        this.settings = settings;
        this.output = output;
        this.objective = objective;
    }

    /**
     * @param evaluate returns the eval loss (called at eval steps and at the end), or null for no evaluation
     */
    SftTrainer.TrainingResult run(List<U> units, boolean resume, TrainingListener listener,
                                  ToDoubleFunction<Integer> evaluate) {
        if (units.isEmpty()) throw new IllegalArgumentException("no training examples");
        int unitsPerStep = settings.microBatchRows() * settings.gradientAccumulation();
        int stepsPerEpoch = (units.size() + unitsPerStep - 1) / unitsPerStep;
        int totalSteps = settings.maxSteps() > 0 ? settings.maxSteps() : stepsPerEpoch * settings.epochs();
        var schedule = new LearningRateSchedule(settings.schedule(), settings.learningRate(),
                LearningRateSchedule.warmupFromRatio(settings.warmupRatio(), totalSteps), totalSteps);
        float[] params = model.parameters();
        AdamW adam = new AdamW(params.length, settings.adam());

        int step = 0;
        if (resume) {
            Optional<Checkpoint> last = Checkpoint.latest(output);
            if (last.isPresent()) {
                Checkpoint c = last.get();
                if (c.params().length != params.length) {
                    throw new IllegalStateException("checkpoint in " + output + " has " + c.params().length
                            + " trainable parameters, this model " + params.length + ": different model or method");
                }
                System.arraycopy(c.params(), 0, params, 0, params.length);
                adam.restore(c.step(), c.m(), c.v());
                step = c.step();
            }
        }
        int resumedFrom = step;
        MetricsLog metrics = new MetricsLog(output.resolve("metrics.jsonl"), step);

        double lastLoss = Double.NaN;
        double evalLoss = Double.NaN;
        int epoch = -1;
        List<U> order = null;
        while (step < totalSteps) {
            int e = step / stepsPerEpoch;
            if (e != epoch) {
                epoch = e;
                order = new ArrayList<>(units);
                Collections.shuffle(order, new Random(settings.seed() * 1_000_003L + epoch));
            }
            int from = (step % stepsPerEpoch) * unitsPerStep;
            List<U> stepUnits = order.subList(from, Math.min(order.size(), from + unitsPerStep));

            long t0 = System.nanoTime();
            double weight = objective.stepWeight(stepUnits);
            Map<String, Double> stepMetrics = new LinkedHashMap<>();
            model.zeroGrad();
            model.setTraining(true);
            double loss = 0;
            long tokens = 0;
            int micro = 0;
            for (int i = 0; i < stepUnits.size(); i += settings.microBatchRows(), micro++) {
                List<U> mb = stepUnits.subList(i, Math.min(stepUnits.size(), i + settings.microBatchRows()));
                Batch b = objective.batch(mb);
                tokens += (long) b.rows() * b.seqLen();
                model.seedDropout(settings.seed() ^ (step * 1_000_033L + micro));
                SequenceScores s = model.forward(b);
                double[] d = new double[s.rows()];
                loss += objective.gradient(mb, s, weight, d, stepMetrics);
                model.backward(d);
            }
            double gradNorm = GradientClipping.clipGlobalNorm(model.gradients(), settings.maxGradNorm());
            if (!Double.isFinite(loss) || !Double.isFinite(gradNorm)) {
                String tensor = model.firstNonFiniteGradient().map(n -> "; first non-finite gradient in " + n).orElse("");
                throw new TrainingDivergedException("training diverged at step " + (step + 1) + ": loss " + loss
                        + ", grad norm " + gradNorm + tensor + ". The last good checkpoint is kept in "
                        + Checkpoint.directory(output) + "; lower the learning rate or enable clipping.");
            }
            double lr = schedule.at(step);
            adam.step(params, model.gradients(), lr);
            step++;
            lastLoss = loss;
            double secs = (System.nanoTime() - t0) / 1e9;
            double tps = tokens / Math.max(secs, 1e-9);
            long scored = objective.tokens(stepUnits);
            metrics.step(step, epoch, loss, lr, gradNorm, scored, tps, stepMetrics);
            listener.onStep(step, totalSteps, loss, lr, gradNorm, scored, tps);
            if (!stepMetrics.isEmpty()) {
                listener.onMetrics(step, Collections.unmodifiableMap(new LinkedHashMap<>(stepMetrics)));   // objective order
            }

            boolean last = step == totalSteps;
            if (evaluate != null && (last || settings.evalEvery() > 0 && step % settings.evalEvery() == 0)) {
                evalLoss = evaluate.applyAsDouble(step);
                double perplexity = objective.lossIsTokenNll() ? Math.exp(evalLoss) : Double.NaN;
                metrics.eval(step, evalLoss, perplexity);
                listener.onEval(step, evalLoss, perplexity);
            }
            if (last || settings.checkpointEvery() > 0 && step % settings.checkpointEvery() == 0) {
                int nextEpoch = step / stepsPerEpoch;
                int position = (step % stepsPerEpoch) * unitsPerStep;
                Path dir = Checkpoint.save(output, new Checkpoint(step, nextEpoch, position, params,
                        adam.firstMoment(), adam.secondMoment()), KEEP_CHECKPOINTS);
                listener.onCheckpoint(step, dir);
            }
        }
        return new SftTrainer.TrainingResult(step, lastLoss, evalLoss, resumedFrom);
    }
}
