package dev.distillery.trainers.preference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.trainers.data.Batcher;
import dev.distillery.trainers.data.TokenizedExample;
import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.SequenceScores;
import dev.distillery.trainers.engine.TrainingModel;
import dev.distillery.trainers.training.Objective;
import dev.distillery.trainers.training.SftTrainer;
import dev.distillery.trainers.training.TrainingListener;
import dev.distillery.trainers.training.TrainingLoops;
import dev.distillery.trainers.training.TrainingSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Preference optimisation (DPO family, ORPO, SimPO) on the trainer's engine. Reference log-probs come from the same
 * model before any update, computed once for the whole dataset and cached in the output directory
 * ({@code reference_logps.json}): with LoRA by disabling the adapter (no second copy of the model in memory), with
 * full fine-tuning from the initial weights; the cache is what makes a resumed full run use the original reference.
 *
 * <pre>{@code
 * var t = new PreferenceTrainer(model, settings, loss, Path.of("out"));
 * t.train(pairs, evalPairs, false, TrainingListener.NONE);   // metrics.jsonl gets TRL's rewards/... names
 * }</pre>
 */
public final class PreferenceTrainer {

    /** Held-out result: mean loss and the share of pairs whose chosen reward beats the rejected one. */
    public record EvalResult(double loss, double rewardAccuracy) {
    }

    private final TrainingModel model;
    private final TrainingSettings settings;
    private final PreferenceLoss loss;
    private final Path output;

    public PreferenceTrainer(TrainingModel model, TrainingSettings settings, PreferenceLoss loss, Path output) {
        this.model = model;
        this.settings = settings;
        this.loss = loss;
        this.output = output;
    }

    public SftTrainer.TrainingResult train(List<PreferenceExample> train, List<PreferenceExample> eval, boolean resume,
                                           TrainingListener listener) {
        List<PreferenceExample> t = withReference(train, "train");
        List<PreferenceExample> e = eval.isEmpty() ? eval : withReference(eval, "eval");
        return TrainingLoops.run(model, settings, output, new PairMean(), t, resume, listener,
                e.isEmpty() ? null : step -> evaluate(e).loss());
    }

    /** Mean loss and reward accuracy over {@code pairs} (which must carry reference log-probs when the loss needs them). */
    public EvalResult evaluate(List<PreferenceExample> pairs) {
        model.setTraining(false);
        double sum = 0, correct = 0;
        for (int i = 0; i < pairs.size(); i += settings.microBatchRows()) {
            List<PreferenceExample> mb = pairs.subList(i, Math.min(pairs.size(), i + settings.microBatchRows()));
            SequenceScores s = model.forward(batch(mb));
            int p = mb.size();
            for (int j = 0; j < p; j++) {
                PreferenceExample x = mb.get(j);
                sum += loss.pair(s.logProb()[j], s.logProb()[j + p], x.refChosen(), x.refRejected(), s.count()[j],
                        s.count()[j + p]).loss();
                if (loss.reward(s.logProb()[j], x.refChosen()) > loss.reward(s.logProb()[j + p], x.refRejected())) correct++;
            }
        }
        model.setTraining(true);
        return new EvalResult(sum / pairs.size(), correct / pairs.size());
    }

    /** Chosen rows first, then rejected rows, so pair j is rows j and j + P. */
    static Batch batch(List<PreferenceExample> pairs) {
        List<List<TokenizedExample>> rows = new ArrayList<>(2 * pairs.size());
        for (PreferenceExample p : pairs) rows.add(List.of(p.chosen()));
        for (PreferenceExample p : pairs) rows.add(List.of(p.rejected()));
        return Batcher.batch(rows, Batcher.longest(rows), 0);
    }

    /** Reference log-probs from the cache, or computed now (adapter off / initial weights) and cached. */
    private List<PreferenceExample> withReference(List<PreferenceExample> pairs, String name) {
        if (!loss.type().needsReference()) return pairs;
        Path cache = output.resolve("reference_logps." + name + ".json");
        String fingerprint = fingerprint(pairs);
        double[] refs = readCache(cache, fingerprint, pairs.size());
        if (refs == null) {
            refs = new double[2 * pairs.size()];
            model.setTraining(false);
            model.setLoraEnabled(false);
            try {
                for (int i = 0; i < pairs.size(); i += settings.microBatchRows()) {
                    List<PreferenceExample> mb = pairs.subList(i, Math.min(pairs.size(), i + settings.microBatchRows()));
                    SequenceScores s = model.forward(batch(mb));
                    for (int j = 0; j < mb.size(); j++) {
                        refs[2 * (i + j)] = s.logProb()[j];
                        refs[2 * (i + j) + 1] = s.logProb()[j + mb.size()];
                    }
                }
            } finally {
                model.setLoraEnabled(true);
                model.setTraining(true);
            }
            writeCache(cache, fingerprint, refs);
        }
        List<PreferenceExample> out = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) out.add(pairs.get(i).withReference(refs[2 * i], refs[2 * i + 1]));
        return out;
    }

    private static String fingerprint(List<PreferenceExample> pairs) {
        int h = 17;
        for (PreferenceExample p : pairs) {
            h = 31 * h + Arrays.hashCode(p.chosen().inputIds());
            h = 31 * h + Arrays.hashCode(p.rejected().inputIds());
        }
        return Integer.toHexString(h) + "-" + pairs.size();
    }

    private static double[] readCache(Path file, String fingerprint, int n) {
        if (!Files.exists(file)) return null;
        try {
            JsonNode root = Json.MAPPER.readTree(file.toFile());
            if (!fingerprint.equals(root.path("fingerprint").asText())) return null;
            JsonNode v = root.get("logps");
            if (v == null || v.size() != 2 * n) return null;
            double[] out = new double[2 * n];
            for (int i = 0; i < out.length; i++) out[i] = v.get(i).asDouble();
            return out;
        } catch (IOException e) {
            return null; // a cache cut by a kill: recompute
        }
    }

    private static void writeCache(Path file, String fingerprint, double[] refs) {
        ObjectNode root = Json.object().put("fingerprint", fingerprint);
        ArrayNode arr = root.putArray("logps");
        for (double r : refs) arr.add(r);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Json.string(root));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the reference cache: " + e.getMessage(), e);
        }
    }

    /** The pair-mean objective with TRL's metrics. */
    private final class PairMean implements Objective<PreferenceExample> {
        @Override
        public Batch batch(List<PreferenceExample> pairs) {
            return PreferenceTrainer.batch(pairs);
        }

        @Override
        public double stepWeight(List<PreferenceExample> pairs) {
            return pairs.size();
        }

        @Override
        public double gradient(List<PreferenceExample> pairs, SequenceScores s, double total, double[] d,
                               Map<String, Double> m) {
            int p = pairs.size();
            double sum = 0;
            for (int j = 0; j < p; j++) {
                PreferenceExample x = pairs.get(j);
                double piC = s.logProb()[j], piR = s.logProb()[j + p];
                PreferenceLoss.Pair g = loss.pair(piC, piR, x.refChosen(), x.refRejected(), s.count()[j], s.count()[j + p]);
                d[j] = g.dPiChosen() / total;
                d[j + p] = g.dPiRejected() / total;
                sum += g.loss();
                double rc = loss.reward(piC, x.refChosen()), rr = loss.reward(piR, x.refRejected());
                m.merge("rewards/chosen", rc / total, Double::sum);
                m.merge("rewards/rejected", rr / total, Double::sum);
                m.merge("rewards/margins", (rc - rr) / total, Double::sum);
                m.merge("rewards/accuracies", (rc > rr ? 1.0 : 0.0) / total, Double::sum);
                m.merge("logps/chosen", piC / total, Double::sum);
                m.merge("logps/rejected", piR / total, Double::sum);
            }
            return sum / total;
        }

        @Override
        public long tokens(List<PreferenceExample> pairs) {
            long n = 0;
            for (PreferenceExample p : pairs) n += p.chosen().targets() + p.rejected().targets();
            return n;
        }
    }
}
