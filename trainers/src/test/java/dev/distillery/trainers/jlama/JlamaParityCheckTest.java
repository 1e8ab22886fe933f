package dev.distillery.trainers.jlama;

import dev.distillery.trainers.factory.TinyModelFactory;
import dev.distillery.trainers.io.ModelLoader;
import dev.distillery.trainers.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JlamaParityCheckTest {

    @TempDir
    Path tmp;

    @Test
    void theFactoryModelLoadsInJlamaAndAgreesWithTheTrainer() throws Exception {
        Path dir = tmp.resolve("tiny");
        ModelConfig c = TinyModelFactory.create(dir, TinyModelFactory.Spec.defaults(),
                List.of("what is 2+2? it is 4.", "reverse: abc -> cba", "hello world, hello tokens"));
        assertEquals(c, ModelLoader.load(dir).config());
        JlamaParityCheck.Report r = JlamaParityCheck.run(dir, 17, 1);
        assertTrue(r.passed(), r.describe());
        assertTrue(r.maxBatchedDiff() < 1e-5, r.describe());
    }

    @Test
    void qwen2WithBiasesAndTiedEmbeddingsAgreeToo() {
        Path dir = tmp.resolve("qwen");
        var spec = new TinyModelFactory.Spec("qwen2", 64, 2, 4, 1, 128, 384, 256, true, 7, 0.05);
        TinyModelFactory.create(dir, spec, List.of());
        JlamaParityCheck.Report r = JlamaParityCheck.run(dir, 17, 2);
        assertTrue(r.passed(), r.describe());
    }

    /** Jlama 0.8.4's row splitting drops trailing rows for sizes like 176 and 300 (jlama-notes §6, bug 1). */
    @Test
    void aShapeThatHitsAKnownJlamaBugIsDetected() {
        Path dir = tmp.resolve("odd");
        var spec = new TinyModelFactory.Spec("llama", 64, 1, 4, 2, 176, 300, 128, false, 3, 0.3);
        TinyModelFactory.create(dir, spec, List.of());
        JlamaParityCheck.Report r = JlamaParityCheck.run(dir, 9, 3);
        assertFalse(r.passed(), "expected Jlama's known bug to show: " + r.describe());
        assertTrue(r.describe().contains("DISAGREES"), r.describe());
    }
}
