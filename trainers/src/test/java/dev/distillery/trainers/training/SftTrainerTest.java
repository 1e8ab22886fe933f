package dev.distillery.trainers.training;

import dev.distillery.trainers.data.TokenizedExample;
import dev.distillery.trainers.engine.TrainingModel;
import dev.distillery.trainers.model.Initializers;
import dev.distillery.trainers.model.LoraConfig;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.model.Projection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SftTrainerTest {

    @TempDir
    Path tmp;

    static final ModelConfig CONFIG = ModelConfig.llama(24, 16, 24, 2, 4, 2);

    /** A learnable toy task: after a marker token 1, repeat the preceding digits (ids 4..13) in reverse. */
    static List<TokenizedExample> reverseTask(int n, long seed) {
        Random r = new Random(seed);
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 2 + r.nextInt(3);
            int[] digits = new int[len];
            for (int j = 0; j < len; j++) digits[j] = 4 + r.nextInt(10);
            int[] ids = new int[2 * len + 3];
            int[] labels = new int[ids.length];
            ids[0] = 2;
            for (int j = 0; j < len; j++) ids[1 + j] = digits[j];
            ids[1 + len] = 1;
            for (int j = 0; j < len; j++) ids[2 + len + j] = digits[len - 1 - j];
            ids[ids.length - 1] = 3;
            for (int t = 0; t < ids.length; t++) labels[t] = t >= 2 + len ? ids[t] : -100;
            out.add(new TokenizedExample(ids, labels));
        }
        return out;
    }

    private static TrainingModel loraModel(long seed) {
        ModelWeights base = Initializers.randomModel(CONFIG, 7, 0.3);
        LoraLayout lora = LoraLayout.of(CONFIG, new LoraConfig(4, 8, 0.0, EnumSet.allOf(Projection.class), false));
        return TrainingModel.lora(base, lora, Initializers.lora(lora, seed), 8, 16);
    }

    @Test
    void aTinyModelLearnsAndHeldOutLossFalls() {
        TrainingModel m = TrainingModel.full(Initializers.randomModel(CONFIG, 3, 0.1), 8, 16);
        var settings = TrainingSettings.defaults().withBatch(8, 1, 16).withLearningRate(3e-3).withMaxSteps(150)
                .withSchedule(dev.distillery.trainers.optim.LearningRateSchedule.Kind.CONSTANT, 0.0);
        SftTrainer t = new SftTrainer(m, settings, tmp);
        List<TokenizedExample> eval = reverseTask(32, 99);
        double before = t.evaluate(eval);
        var result = t.train(reverseTask(256, 1), eval, false, TrainingListener.NONE);
        assertTrue(result.evalLoss() < before * 0.6, "eval loss " + before + " -> " + result.evalLoss());
        assertTrue(Files.exists(tmp.resolve("metrics.jsonl")));
    }

    @Test
    void resumingAfterAKillReproducesTheUninterruptedLossTrajectory() throws Exception {
        var settings = TrainingSettings.defaults().withBatch(2, 2, 16).withLearningRate(1e-2).withMaxSteps(6)
                .withCheckpoints(2, 0).withSeed(5);
        List<TokenizedExample> data = reverseTask(40, 2);

        Path straight = tmp.resolve("straight");
        new SftTrainer(loraModel(1), settings, straight).train(data, List.of(), false, TrainingListener.NONE);

        Path killed = tmp.resolve("killed");
        TrainingListener killAt4 = new TrainingListener() {
            @Override
            public void onCheckpoint(int step, Path dir) {
                if (step == 4) throw new IllegalStateException("simulated kill");
            }
        };
        assertThrows(IllegalStateException.class,
                () -> new SftTrainer(loraModel(1), settings, killed).train(data, List.of(), false, killAt4));
        // A fresh model object, as after a restart: everything comes from the checkpoint.
        var resumed = new SftTrainer(loraModel(123), settings, killed).train(data, List.of(), true, TrainingListener.NONE);
        assertEquals(4, resumed.resumedFrom());
        assertEquals(Files.readAllLines(straight.resolve("metrics.jsonl")).stream().map(SftTrainerTest::lossOf).toList(),
                Files.readAllLines(killed.resolve("metrics.jsonl")).stream().map(SftTrainerTest::lossOf).toList());
    }

    private static String lossOf(String line) {
        return line.replaceAll(".*\"loss\":([^,]+),.*", "$1");
    }

    @Test
    void gradientAccumulationEqualsOneBigBatch() {
        List<TokenizedExample> data = reverseTask(8, 3);
        var one = TrainingSettings.defaults().withBatch(8, 1, 16).withMaxSteps(1).withLearningRate(1e-2);
        var four = TrainingSettings.defaults().withBatch(2, 4, 16).withMaxSteps(1).withLearningRate(1e-2);
        TrainingModel a = loraModel(4);
        TrainingModel b = loraModel(4);
        new SftTrainer(a, one, tmp.resolve("a")).train(data, List.of(), false, TrainingListener.NONE);
        new SftTrainer(b, four, tmp.resolve("b")).train(data, List.of(), false, TrainingListener.NONE);
        // Same order (one step, same shuffle): the gradients, hence the updates, agree up to float summation order.
        float[] ga = a.gradients(), gb = b.gradients();
        double max = 0, diff = 0;
        for (int i = 0; i < ga.length; i++) {
            max = Math.max(max, Math.abs(ga[i]));
            diff = Math.max(diff, Math.abs(ga[i] - gb[i]));
        }
        assertTrue(max > 0);
        assertTrue(diff <= 1e-5 * max, "max |Δg| " + diff + " vs max |g| " + max);
    }

    @Test
    void divergenceStopsWithTheStepAndTensor() {
        ModelWeights w = Initializers.randomModel(CONFIG, 3, 0.1);
        w.data()[(int) w.layout().layer(1).weight(Projection.UP).offset()] = Float.NaN;
        TrainingModel m = TrainingModel.full(w, 4, 16);
        var e = assertThrows(TrainingDivergedException.class, () -> new SftTrainer(m,
                TrainingSettings.defaults().withBatch(4, 1, 16).withMaxSteps(3), tmp).train(reverseTask(8, 1),
                List.of(), false, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("step 1"), e.getMessage());
        assertTrue(e.getMessage().contains("model."), e.getMessage());
    }
}
