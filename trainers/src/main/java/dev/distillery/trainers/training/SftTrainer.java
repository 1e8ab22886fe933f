package dev.distillery.trainers.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.trainers.data.Batcher;
import dev.distillery.trainers.data.TokenizedExample;
import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.SequenceScores;
import dev.distillery.trainers.engine.TrainingModel;
import dev.distillery.trainers.optim.AdamW;
import dev.distillery.trainers.optim.GradientClipping;
import dev.distillery.trainers.optim.LearningRateSchedule;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Supervised fine-tuning: token-mean cross-entropy over the labelled tokens, gradient accumulation normalised by the
 * token count of the whole optimizer step, global-norm clipping, AdamW and a warmup schedule, seeded shuffling,
 * checkpoints, and a resume that reproduces the uninterrupted run's loss trajectory exactly.
 *
 * <pre>{@code
 * SftTrainer t = new SftTrainer(model, settings, Path.of("out"));
 * TrainingResult r = t.train(train, eval, true, TrainingListener.NONE);   // resumes from out/checkpoints if present
 * }</pre>
 *
 * <p>Determinism: the data order of epoch e is a shuffle seeded by (seed, e); LoRA dropout is reseeded per
 * micro-batch from (seed, step, micro-batch); so a resumed run sees exactly the batches and masks it would have seen.
 */
public final class SftTrainer {

    /**
     * @param steps          optimizer steps completed
     * @param finalLoss      loss of the last step
     * @param evalLoss       last evaluation loss, NaN when there was no eval set
     * @param resumedFrom    the step the run resumed from, 0 for a fresh run
     */
    public record TrainingResult(int steps, double finalLoss, double evalLoss, int resumedFrom) {
    }

    /** Keep the two newest checkpoints: the last one may be mid-write when a run is killed. */
    private static final int KEEP_CHECKPOINTS = 2;

    private final TrainingModel model;
    private final TrainingSettings settings;
    private final Path output;

    public SftTrainer(TrainingModel model, TrainingSettings settings, Path output) {
        this.model = model;
        this.settings = settings;
        this.output = output;
    }

    public TrainingResult train(List<TokenizedExample> train, List<TokenizedExample> eval, boolean resume,
                                TrainingListener listener) {
        if (train.isEmpty()) throw new IllegalArgumentException("no training examples");
        List<List<TokenizedExample>> rows = settings.packing()
                ? Batcher.pack(train, settings.maxSeqLen()) : Batcher.unpacked(train);
        for (List<TokenizedExample> row : rows) {
            int len = row.stream().mapToInt(TokenizedExample::length).sum();
            if (len > settings.maxSeqLen()) {
                throw new IllegalArgumentException("an example has " + len + " tokens, more than max length "
                        + settings.maxSeqLen() + "; truncate or drop long examples first");
            }
        }
        int rowsPerStep = settings.microBatchRows() * settings.gradientAccumulation();
        int stepsPerEpoch = (rows.size() + rowsPerStep - 1) / rowsPerStep;
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
        List<List<TokenizedExample>> order = null;
        while (step < totalSteps) {
            int e = step / stepsPerEpoch;
            if (e != epoch) {
                epoch = e;
                order = new ArrayList<>(rows);
                Collections.shuffle(order, new Random(settings.seed() * 1_000_003L + epoch));
            }
            int from = (step % stepsPerEpoch) * rowsPerStep;
            List<List<TokenizedExample>> stepRows = order.subList(from, Math.min(order.size(), from + rowsPerStep));

            long t0 = System.nanoTime();
            List<List<List<TokenizedExample>>> micro = new ArrayList<>();
            for (int i = 0; i < stepRows.size(); i += settings.microBatchRows()) {
                micro.add(stepRows.subList(i, Math.min(stepRows.size(), i + settings.microBatchRows())));
            }
            List<Batch> batches = new ArrayList<>();
            int stepTargets = 0;
            long stepTokens = 0;
            for (var mb : micro) {
                Batch b = Batcher.batch(mb, Batcher.longest(mb), 0);
                batches.add(b);
                stepTargets += b.targetCount();
                stepTokens += (long) b.rows() * b.seqLen();
            }
            model.zeroGrad();
            model.setTraining(true);
            double nll = 0;
            for (int i = 0; i < batches.size(); i++) {
                model.seedDropout(settings.seed() ^ (step * 1_000_033L + i));
                SequenceScores s = model.forward(batches.get(i));
                nll -= s.totalLogProb();
                double[] d = new double[s.rows()];
                // Every token of the whole optimizer step weighs the same: 1 / (targets in the step).
                Arrays.fill(d, stepTargets == 0 ? 0 : -1.0 / stepTargets);
                model.backward(d);
            }
            double loss = stepTargets == 0 ? 0 : nll / stepTargets;
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
            double tps = stepTokens / Math.max(secs, 1e-9);
            metrics.step(step, epoch, loss, lr, gradNorm, stepTargets, tps);
            listener.onStep(step, totalSteps, loss, lr, gradNorm, stepTargets, tps);

            boolean last = step == totalSteps;
            if (!eval.isEmpty() && (last || settings.evalEvery() > 0 && step % settings.evalEvery() == 0)) {
                evalLoss = evaluate(eval);
                metrics.eval(step, evalLoss);
                listener.onEval(step, evalLoss, Math.exp(evalLoss));
            }
            if (last || settings.checkpointEvery() > 0 && step % settings.checkpointEvery() == 0) {
                int nextEpoch = step / stepsPerEpoch;
                int position = (step % stepsPerEpoch) * rowsPerStep;
                Path dir = Checkpoint.save(output, new Checkpoint(step, nextEpoch, position, params,
                        adam.firstMoment(), adam.secondMoment()), KEEP_CHECKPOINTS);
                listener.onCheckpoint(step, dir);
            }
        }
        return new TrainingResult(step, lastLoss, evalLoss, resumedFrom);
    }

    /** Token-mean loss over {@code examples}, without dropout and without touching gradients. */
    public double evaluate(List<TokenizedExample> examples) {
        model.setTraining(false);
        List<List<TokenizedExample>> rows = Batcher.unpacked(examples);
        double nll = 0;
        long n = 0;
        for (int i = 0; i < rows.size(); i += settings.microBatchRows()) {
            var mb = rows.subList(i, Math.min(rows.size(), i + settings.microBatchRows()));
            SequenceScores s = model.forward(Batcher.batch(mb, Batcher.longest(mb), 0));
            nll -= s.totalLogProb();
            n += s.totalCount();
        }
        model.setTraining(true);
        return n == 0 ? Double.NaN : nll / n;
    }

    /** {@code metrics.jsonl}: one line per step and per evaluation; on resume, lines after the checkpoint are dropped. */
    static final class MetricsLog {
        private final Path file;

        MetricsLog(Path file, int resumedStep) {
            this.file = file;
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                if (Files.exists(file)) {
                    List<String> keep = new ArrayList<>();
                    for (String line : Files.readAllLines(file)) {
                        if (line.isBlank()) continue;
                        try {
                            if (Json.MAPPER.readTree(line).path("step").asInt(Integer.MAX_VALUE) <= resumedStep) keep.add(line);
                        } catch (IOException partial) {
                            // a line cut by a kill: dropped with the steps after the checkpoint
                        }
                    }
                    Files.write(file, keep);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": " + e.getMessage(), e);
            }
        }

        void step(int step, int epoch, double loss, double lr, double gradNorm, long tokens, double tps) {
            append(Json.object().put("step", step).put("epoch", epoch).put("loss", loss).put("learning_rate", lr)
                    .put("grad_norm", gradNorm).put("num_tokens", tokens).put("tokens_per_second", Math.round(tps)));
        }

        void eval(int step, double loss) {
            append(Json.object().put("step", step).put("eval_loss", loss).put("eval_perplexity", Math.exp(loss)));
        }

        private void append(ObjectNode row) {
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                w.write(Json.string(row));
                w.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": " + e.getMessage(), e);
            }
        }
    }
}
