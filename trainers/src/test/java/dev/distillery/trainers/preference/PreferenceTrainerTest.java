package dev.distillery.trainers.preference;

import dev.distillery.datasets.json.Json;
import dev.distillery.trainers.data.TokenizedExample;
import dev.distillery.trainers.engine.SequenceScores;
import dev.distillery.trainers.engine.TrainingModel;
import dev.distillery.trainers.model.Initializers;
import dev.distillery.trainers.model.LoraConfig;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.Projection;
import dev.distillery.trainers.training.TrainingListener;
import dev.distillery.trainers.training.TrainingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreferenceTrainerTest {

    @TempDir
    Path tmp;

    private static TokenizedExample example(Random r, int promptLen, int completionLen) {
        int[] ids = new int[promptLen + completionLen];
        int[] labels = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(20);
            labels[i] = i < promptLen ? -100 : ids[i];
        }
        return new TokenizedExample(ids, labels);
    }

    /** The logged rewards, margins, accuracies and log-probs equal a hand computation from forward passes. */
    @Test
    void metricsMatchAHandComputation() throws Exception {
        ModelConfig c = ModelConfig.llama(20, 16, 24, 1, 2, 1);
        var w = Initializers.randomModel(c, 3, 0.3);
        LoraLayout ll = LoraLayout.of(c, new LoraConfig(2, 4, 0, EnumSet.of(Projection.Q, Projection.V), false));
        float[] lora = Initializers.lora(ll, 1);
        Random r = new Random(2);
        for (var a : ll.adapters()) {   // B ≠ 0: the policy differs from the adapter-off reference
            for (int i = (int) a.b().offset(); i < a.b().offset() + a.b().size(); i++) lora[i] = (float) r.nextGaussian() * 0.3f;
        }
        TrainingModel m = TrainingModel.lora(w, ll, lora, 4, 16);
        List<PreferenceExample> pairs = List.of(
                new PreferenceExample(example(r, 4, 3), example(r, 4, 5), 0, 0),
                new PreferenceExample(example(r, 3, 6), example(r, 3, 2), 0, 0));
        double beta = 0.3;
        // Hand computation before training: policy with the adapter, reference without.
        SequenceScores policy = m.forward(PreferenceTrainer.batch(pairs));
        m.setLoraEnabled(false);
        SequenceScores ref = m.forward(PreferenceTrainer.batch(pairs));
        m.setLoraEnabled(true);
        double rc = 0, rr = 0, acc = 0, lc = 0, lrj = 0;
        for (int j = 0; j < 2; j++) {
            double c1 = beta * (policy.logProb()[j] - ref.logProb()[j]);
            double r1 = beta * (policy.logProb()[j + 2] - ref.logProb()[j + 2]);
            rc += c1 / 2;
            rr += r1 / 2;
            acc += (c1 > r1 ? 1 : 0) / 2.0;
            lc += policy.logProb()[j] / 2;
            lrj += policy.logProb()[j + 2] / 2;
        }
        var settings = TrainingSettings.defaults().withBatch(2, 1, 16).withMaxSteps(1).withLearningRate(0.0);
        new PreferenceTrainer(m, settings, new PreferenceLoss(PreferenceLoss.Type.SIGMOID, beta, 0, 0, 0), tmp)
                .train(pairs, List.of(), false, TrainingListener.NONE);
        var row = Json.MAPPER.readTree(Files.readAllLines(tmp.resolve("metrics.jsonl")).get(0));
        assertEquals(rc, row.get("rewards/chosen").asDouble(), 1e-6);
        assertEquals(rr, row.get("rewards/rejected").asDouble(), 1e-6);
        assertEquals(rc - rr, row.get("rewards/margins").asDouble(), 1e-6);
        assertEquals(acc, row.get("rewards/accuracies").asDouble(), 1e-12);
        assertEquals(lc, row.get("logps/chosen").asDouble(), 1e-5);
        assertEquals(lrj, row.get("logps/rejected").asDouble(), 1e-5);
        assertTrue(Files.exists(tmp.resolve("reference_logps.train.json")), "reference log-probs are cached");
    }

    /** The listener sees the same per-step preference metrics that metrics.jsonl logs, once per optimizer step. */
    @Test
    void listenerReceivesThePerStepPreferenceMetrics() throws Exception {
        ModelConfig c = ModelConfig.llama(20, 16, 24, 1, 2, 1);
        var w = Initializers.randomModel(c, 5, 0.3);
        LoraLayout ll = LoraLayout.of(c, new LoraConfig(2, 4, 0, EnumSet.of(Projection.Q, Projection.V), false));
        TrainingModel m = TrainingModel.lora(w, ll, Initializers.lora(ll, 1), 4, 16);
        Random r = new Random(7);
        List<PreferenceExample> pairs = List.of(
                new PreferenceExample(example(r, 4, 3), example(r, 4, 5), 0, 0),
                new PreferenceExample(example(r, 3, 6), example(r, 3, 2), 0, 0));
        var settings = TrainingSettings.defaults().withBatch(1, 1, 16).withMaxSteps(3).withLearningRate(1e-2);
        List<Integer> steps = new ArrayList<>();
        List<Map<String, Double>> seen = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onMetrics(int step, Map<String, Double> metrics) {
                steps.add(step);
                seen.add(metrics);
            }
        };
        new PreferenceTrainer(m, settings, new PreferenceLoss(PreferenceLoss.Type.SIGMOID, 0.1, 0, 0, 0), tmp)
                .train(pairs, List.of(), false, listener);
        assertEquals(List.of(1, 2, 3), steps, "one call per optimizer step, numbered like onStep");
        List<String> lines = Files.readAllLines(tmp.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("rewards/margins")).toList();
        assertEquals(3, lines.size());
        for (int i = 0; i < 3; i++) {
            var row = Json.MAPPER.readTree(lines.get(i));
            Map<String, Double> got = seen.get(i);
            for (String name : List.of("rewards/chosen", "rewards/rejected", "rewards/margins", "rewards/accuracies")) {
                assertTrue(got.containsKey(name), "step " + (i + 1) + " lacks " + name + ": " + got.keySet());
                assertEquals(row.get(name).asDouble(), got.get(name), 1e-12, name + " at step " + (i + 1));
            }
            assertEquals(got.get("rewards/chosen") - got.get("rewards/rejected"), got.get("rewards/margins"), 1e-9);
        }
    }
}
