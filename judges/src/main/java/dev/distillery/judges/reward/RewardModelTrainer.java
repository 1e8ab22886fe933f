package dev.distillery.judges.reward;

import dev.distillery.judges.spi.PairInput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Trains a {@link RewardModel}: a Bradley-Terry head on labelled pairs ({@link #train}), or semi-supervised
 * self-training (SSRM) that adds the model's own confident labels for unlabelled pairs ({@link #selfTrain}).
 *
 * <pre>{@code
 * RewardModelTrainer trainer = RewardModelTrainer.builder().lambda(0.01).threshold(0.8).rounds(3).build();
 * RewardModel rm = trainer.train(labelled);
 * SelfTrainingResult ssrm = trainer.selfTrain(labelled, unlabelled);
 * }</pre>
 *
 * <h2>Fit</h2>
 * Each labelled pair becomes one row d = φ(prompt, chosen) − φ(prompt, rejected) with label 1, and
 * {@link LogisticNewton} minimises Σ −log σ(w·d) + (λ/2)‖w‖². See {@link BradleyTerryHead} for why there is no
 * bias term.
 *
 * <h2>SSRM</h2>
 * <ol>
 *   <li>Round 0: fit on the labelled pairs.</li>
 *   <li>Score every unlabelled pair in both orders: p = (P(A ≻ B) + 1 − P(B ≻ A)) / 2. (For this antisymmetric
 *       head both terms are equal; the average is kept so the rule reads as in the paper.)</li>
 *   <li>Keep the confident ones: {@link Confidence#PROBABILITY} keeps max(p, 1 − p) ≥ {@code threshold}
 *       (default 0.8); {@link Confidence#T_SIMILARITY} keeps pairs whose ensemble T-similarity s_T ≥
 *       {@code tSimilarityThreshold} (the ensemble is refitted each round on the current training rows; see
 *       {@link TSimilarityEnsemble}). The label is the winner under p.</li>
 *   <li>Refit on labelled ∪ pseudo-labelled (warm start from the previous weights; same λ).</li>
 *   <li>Repeat for {@code rounds} rounds (default 3), or stop early when the selection and its labels are the
 *       same as in the previous round (nothing new to learn).</li>
 * </ol>
 * Every round relabels all unlabelled pairs, so a pair pseudo-labelled wrongly early can be dropped or corrected
 * later. Deterministic: same data, same options, same head.
 */
public final class RewardModelTrainer {

    /** How SSRM decides that a pseudo-label is confident enough to train on. */
    public enum Confidence {
        /** max(p, 1 − p) of the head itself, the SSRM paper's rule. */
        PROBABILITY,
        /** Agreement s_T of an ensemble of heads trained to disagree on the unlabelled pairs. */
        T_SIMILARITY
    }

    private final Embedder embedder;
    private final FeatureLayout features;
    private final LogisticNewton.Options newton;
    private final double threshold;
    private final int rounds;
    private final Confidence confidence;
    private final double tSimilarityThreshold;
    private final TSimilarityEnsemble.Options ensemble;

    private RewardModelTrainer(Builder b) {
        this.embedder = b.embedder != null ? b.embedder : Embedder.miniLm();
        this.features = b.features;
        this.newton = new LogisticNewton.Options(b.lambda, b.tolerance, b.maxIterations);
        this.threshold = b.threshold;
        this.rounds = b.rounds;
        this.confidence = b.confidence;
        this.tSimilarityThreshold = b.tSimilarityThreshold;
        this.ensemble = b.ensemble.withLambda(b.lambda);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fits a head on labelled pairs only. */
    public RewardModel train(List<PreferencePair> labelled) {
        requireLabelled(labelled);
        double[][] rows = differences(labelled);
        LogisticFit fit = fit(rows, null);
        return model(fit, rows, labelled.size(), 0);
    }

    /**
     * SSRM: {@link #train} on {@code labelled}, then rounds of pseudo-labelling {@code unlabelled} pairs (prompt,
     * first, second; the reference field is ignored) and refitting on the confident ones.
     */
    public SelfTrainingResult selfTrain(List<PreferencePair> labelled, List<PairInput> unlabelled) {
        requireLabelled(labelled);
        Objects.requireNonNull(unlabelled, "unlabelled");
        double[][] rows = differences(labelled);
        double[][] candidates = unlabelledDifferences(unlabelled);

        List<SsrmRound> report = new ArrayList<>();
        LogisticFit fit = fit(rows, null);
        report.add(new SsrmRound(0, 0, 0, 0, Double.NaN, fit.iterations(), accuracy(fit.weights(), rows)));
        List<PseudoLabel> selected = List.of();
        for (int round = 1; round <= rounds && candidates.length > 0; round++) {
            double[] w = fit.weights();
            TSimilarityEnsemble tsim = confidence == Confidence.T_SIMILARITY
                    ? TSimilarityEnsemble.fit(trainingRows(rows, candidates, selected), candidates, ensemble) : null;
            List<PseudoLabel> next = new ArrayList<>();
            double confidenceSum = 0;
            for (int u = 0; u < candidates.length; u++) {
                double[] d = candidates[u];
                double forward = LogisticNewton.sigmoid(LogisticNewton.dot(w, d));
                double swapped = LogisticNewton.sigmoid(-LogisticNewton.dot(w, d)); // P(B ≻ A): the pair presented reversed
                double p = (forward + 1 - swapped) / 2;
                double c = tsim == null ? Math.max(p, 1 - p) : tsim.confidence(d);
                confidenceSum += c;
                boolean keep = tsim == null ? c >= threshold : c >= tSimilarityThreshold;
                if (keep && p != 0.5) next.add(new PseudoLabel(u, p > 0.5, p, c));
            }
            int changed = changed(selected, next);
            if (changed == 0) break; // same pairs with the same labels: another fit would reproduce this one
            selected = next;
            fit = fit(trainingRows(rows, candidates, selected), w);
            report.add(new SsrmRound(round, candidates.length, selected.size(), changed,
                    confidenceSum / candidates.length, fit.iterations(), accuracy(fit.weights(), rows)));
        }
        return new SelfTrainingResult(model(fit, rows, labelled.size(), selected.size()), report, selected);
    }

    /** Labelled rows followed by the pseudo-labelled ones, each oriented so that its label is 1. */
    private static double[][] trainingRows(double[][] rows, double[][] candidates, List<PseudoLabel> selected) {
        double[][] all = Arrays.copyOf(rows, rows.length + selected.size());
        for (int k = 0; k < selected.size(); k++) {
            PseudoLabel s = selected.get(k);
            double[] d = candidates[s.index()];
            if (!s.firstPreferred()) {
                d = d.clone();
                for (int j = 0; j < d.length; j++) d[j] = -d[j];
            }
            all[rows.length + k] = d;
        }
        return all;
    }

    private static int changed(List<PseudoLabel> before, List<PseudoLabel> after) {
        // Both lists are in index order; count the symmetric difference of (index, label).
        int i = 0, j = 0, changed = 0;
        while (i < before.size() || j < after.size()) {
            if (j == after.size() || (i < before.size() && before.get(i).index() < after.get(j).index())) {
                changed++;
                i++;
            } else if (i == before.size() || after.get(j).index() < before.get(i).index()) {
                changed++;
                j++;
            } else {
                if (before.get(i).firstPreferred() != after.get(j).firstPreferred()) changed++;
                i++;
                j++;
            }
        }
        return changed;
    }

    private LogisticFit fit(double[][] rows, double[] start) {
        double[] y = new double[rows.length];
        Arrays.fill(y, 1);
        return LogisticNewton.fit(rows, y, null, start, newton);
    }

    private RewardModel model(LogisticFit fit, double[][] labelledRows, int labelled, int pseudo) {
        var stats = new TrainingStats(labelled, pseudo, fit.iterations(), fit.gradientNorm(), fit.converged(),
                accuracy(fit.weights(), labelledRows));
        var head = new BradleyTerryHead(embedder.id(), embedder.dimension(), features, fit.weights(), newton.lambda(), stats);
        return new RewardModel(head, embedder);
    }

    static double accuracy(double[] w, double[][] rows) {
        int correct = 0;
        for (double[] d : rows) if (LogisticNewton.dot(w, d) > 0) correct++;
        return rows.length == 0 ? Double.NaN : (double) correct / rows.length;
    }

    private double[][] differences(List<PreferencePair> pairs) {
        List<PromptResponse> items = new ArrayList<>(2 * pairs.size());
        for (PreferencePair p : pairs) {
            items.add(new PromptResponse(p.prompt(), p.chosen()));
            items.add(new PromptResponse(p.prompt(), p.rejected()));
        }
        return pairDifferences(items);
    }

    private double[][] unlabelledDifferences(List<PairInput> pairs) {
        List<PromptResponse> items = new ArrayList<>(2 * pairs.size());
        for (PairInput p : pairs) {
            items.add(new PromptResponse(p.prompt(), p.first()));
            items.add(new PromptResponse(p.prompt(), p.second()));
        }
        return pairDifferences(items);
    }

    private double[][] pairDifferences(List<PromptResponse> items) {
        double[][] phi = new Featurizer(embedder, features).features(items);
        double[][] rows = new double[phi.length / 2][];
        for (int i = 0; i < rows.length; i++) rows[i] = Featurizer.difference(phi[2 * i], phi[2 * i + 1]);
        return rows;
    }

    private static void requireLabelled(List<PreferencePair> labelled) {
        if (labelled == null || labelled.isEmpty()) throw new IllegalArgumentException("no labelled pairs to train on");
    }

    /** Settings; every one has a default. */
    public static final class Builder {
        private Embedder embedder;
        private FeatureLayout features = FeatureLayout.JOINT;
        private double lambda = 0.01;
        private double tolerance = 1e-8;
        private int maxIterations = 50;
        private double threshold = 0.8;
        private int rounds = 3;
        private Confidence confidence = Confidence.PROBABILITY;
        private double tSimilarityThreshold = 0.68;
        private TSimilarityEnsemble.Options ensemble = TSimilarityEnsemble.Options.DEFAULT;

        /** The embedder; default {@link Embedder#miniLm()}. */
        public Builder embedder(Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            return this;
        }

        /** Feature layout; default {@link FeatureLayout#JOINT}. */
        public Builder features(FeatureLayout features) {
            this.features = Objects.requireNonNull(features, "features");
            return this;
        }

        /** L2 penalty λ on the summed loss; default 0.01 (see docs/reward-model.md for how it was chosen). */
        public Builder lambda(double lambda) {
            new LogisticNewton.Options(lambda, 1, 1); // validates
            this.lambda = lambda;
            return this;
        }

        /** Newton stops when the gradient norm is at most this; default 1e-8. */
        public Builder tolerance(double tolerance) {
            new LogisticNewton.Options(1, tolerance, 1);
            this.tolerance = tolerance;
            return this;
        }

        /** At most this many Newton steps per fit; default 50. */
        public Builder maxIterations(int maxIterations) {
            new LogisticNewton.Options(1, 1, maxIterations);
            this.maxIterations = maxIterations;
            return this;
        }

        /** SSRM keeps a pseudo-label when max(p, 1 − p) ≥ threshold; default 0.8. */
        public Builder threshold(double threshold) {
            if (!(threshold >= 0.5 && threshold <= 1)) {
                throw new IllegalArgumentException("threshold must be in [0.5, 1], got " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        /** SSRM rounds after the labelled-only fit; default 3. */
        public Builder rounds(int rounds) {
            if (rounds < 0) throw new IllegalArgumentException("rounds must be >= 0, got " + rounds);
            this.rounds = rounds;
            return this;
        }

        /** How SSRM gates pseudo-labels; default {@link Confidence#PROBABILITY}. */
        public Builder confidence(Confidence confidence) {
            this.confidence = Objects.requireNonNull(confidence, "confidence");
            return this;
        }

        /**
         * With {@link Confidence#T_SIMILARITY}: keep pairs with s_T at least this; default 0.68 = 0.8² + 0.2², the
         * s_T of heads that all say 0.8, so it matches the probability rule when the heads agree.
         */
        public Builder tSimilarityThreshold(double tSimilarityThreshold) {
            if (!(tSimilarityThreshold >= 0 && tSimilarityThreshold <= 1)) {
                throw new IllegalArgumentException("tSimilarityThreshold must be in [0, 1], got " + tSimilarityThreshold);
            }
            this.tSimilarityThreshold = tSimilarityThreshold;
            return this;
        }

        /** The T-similarity ensemble's settings (its λ is always the trainer's); default {@link TSimilarityEnsemble.Options#DEFAULT}. */
        public Builder ensemble(TSimilarityEnsemble.Options ensemble) {
            this.ensemble = Objects.requireNonNull(ensemble, "ensemble");
            return this;
        }

        public RewardModelTrainer build() {
            return new RewardModelTrainer(this);
        }
    }
}
