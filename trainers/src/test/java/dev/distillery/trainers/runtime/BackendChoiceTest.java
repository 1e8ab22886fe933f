package dev.distillery.trainers.runtime;

import dev.distillery.trainers.factory.TinyModelFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendChoiceTest {

    @TempDir
    Path tmp;

    /** Intermediate 176 and vocab 300 hit Jlama 0.8.4's row-splitting bug (jlama-notes §6, bug 1). */
    @Test
    void aShapeJlamaGetsWrongFallsBackToTheEngineAndForcingJlamaFails() throws IOException {
        Path dir = tmp.resolve("odd");
        TinyModelFactory.create(dir, new TinyModelFactory.Spec("llama", 64, 1, 4, 2, 176, 300, 128, false, 3, 0.3),
                List.of());
        Path scratch = Files.createDirectory(tmp.resolve("scratch"));
        try (LocalModel m = LocalModel.builder(dir).scratchDirectory(scratch).build()) {
            assertEquals(LocalModel.Backend.ENGINE, m.backend());
            assertFalse(m.parityReport().orElseThrow().passed());
            assertTrue(m.backendReason().contains("DISAGREES"), m.backendReason());
            assertTrue(m.scratchDirectory().isEmpty(), "Jlama's folder is gone once Jlama is ruled out");
            GenerationResult.Sample s = new Generator(m).generate(GenerationRequest.builder(Prompt.text("abc"))
                    .maxNewTokens(4).build()).first();
            Scorer.Score score = new Scorer(m).completion(Prompt.text("abc"), s.tokenIds());
            assertArrayEquals(score.tokenLogProbs(), s.logProbs(), 1e-5);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LocalModel.builder(dir).backend(LocalModel.BackendChoice.JLAMA).scratchDirectory(scratch).build());
        assertTrue(e.getMessage().contains("Jlama was requested"), e.getMessage());
        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(0, left.count(), "no temporary folders left after a fallback or a refusal");
        }
    }
}
