package dev.distillery.trainers.training;

import dev.distillery.trainers.data.Batcher;
import dev.distillery.trainers.data.TokenizedExample;
import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.SequenceScores;
import dev.distillery.trainers.engine.TrainingModel;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Supervised fine-tuning: token-mean cross-entropy over the labelled tokens, normalised by the token count of the
 * whole optimizer step (so gradient accumulation is exact), on the shared {@link TrainingLoop} (clipping, AdamW,
 * warmup schedules, seeded shuffling, checkpoints, and a resume that reproduces the uninterrupted run exactly).
 *
 * <pre>{@code
 * SftTrainer t = new SftTrainer(model, settings, Path.of("out"));
 * TrainingResult r = t.train(train, eval, true, TrainingListener.NONE);   // resumes from out/checkpoints if present
 * }</pre>
 *
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
        return new TrainingLoop<>(model, settings, output, new TokenMean()).run(rows, resume, listener,
                eval.isEmpty() ? null : step -> evaluate(eval));
    }

    /** SFT's objective: every scored token of the optimizer step weighs 1 / (scored tokens in the step). */
    private static final class TokenMean implements Objective<List<TokenizedExample>> {
        @Override
        public Batch batch(List<List<TokenizedExample>> rows) {
            return Batcher.batch(rows, Batcher.longest(rows), 0);
        }

        @Override
        public double stepWeight(List<List<TokenizedExample>> rows) {
            return tokens(rows);
        }

        @Override
        public double gradient(List<List<TokenizedExample>> rows, SequenceScores s, double targets, double[] d,
                               Map<String, Double> metrics) {
            Arrays.fill(d, targets == 0 ? 0 : -1.0 / targets);
            return targets == 0 ? 0 : -s.totalLogProb() / targets;
        }

        @Override
        public boolean lossIsTokenNll() {
            return true;
        }

        @Override
        public long tokens(List<List<TokenizedExample>> rows) {
            long n = 0;
            for (List<TokenizedExample> row : rows) {
                // Packed rows: the first label of each example is never scored (Batcher masks it).
                for (TokenizedExample e : row) n += e.targets();
            }
            return n;
        }
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
}
