package dev.distillery.trainers.runtime;

import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.TrainingModel;
import dev.distillery.trainers.eval.GreedyAccuracy;
import dev.distillery.trainers.io.ModelLoader;
import dev.distillery.trainers.tokenizer.ChatTemplate;
import dev.distillery.trainers.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratorTest {

    LocalModel jlama;
    LocalModel engine;

    @BeforeAll
    void load() {
        jlama = LocalModel.builder(TinyRuntimeModels.model()).build();
        engine = LocalModel.builder(TinyRuntimeModels.model()).backend(LocalModel.BackendChoice.ENGINE).build();
    }

    @AfterAll
    void close() {
        jlama.close();
        engine.close();
    }

    static GenerationRequest.Builder chat() {
        return GenerationRequest.builder(Prompt.chat(TinyRuntimeModels.QUESTION));
    }

    @Test
    void autoPicksJlamaForAJlamaSafeShapeAndRecordsTheParityReport() {
        assertEquals(LocalModel.Backend.JLAMA, jlama.backend(), jlama.backendReason());
        assertTrue(jlama.parityReport().orElseThrow().passed());
        assertEquals(LocalModel.Backend.ENGINE, engine.backend());
        assertTrue(engine.parityReport().isEmpty());
    }

    /** The argmax path of the trainer's forward, token by token, as an independent oracle. */
    static int[] argmaxPath(int[] prompt, int steps) throws Exception {
        var loaded = ModelLoader.load(TinyRuntimeModels.model());
        TrainingModel m = TrainingModel.full(loaded.weights(), 1, prompt.length + steps);
        int v = loaded.config().vocabSize();
        int[] ids = prompt.clone();
        for (int i = 0; i < steps; i++) {
            int[] labels = new int[ids.length];
            Arrays.fill(labels, Batch.IGNORE);
            float[] logits = m.logits(Batch.of(1, ids.length, ids, labels), 0);
            int best = 0;
            for (int t = 1; t < v; t++) if (logits[(ids.length - 1) * v + t] > logits[(ids.length - 1) * v + best]) best = t;
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = best;
        }
        return Arrays.copyOfRange(ids, prompt.length, ids.length);
    }

    @Test
    void greedyFollowsTheEnginesArgmaxPathOnBothBackends() throws Exception {
        GenerationRequest r = chat().maxNewTokens(12).build();
        GenerationResult a = new Generator(jlama).generate(r);
        GenerationResult b = new Generator(engine).generate(r);
        int[] oracle = argmaxPath(a.promptIds(), 12);
        int[] got = a.first().tokenIds();
        assertArrayEquals(Arrays.copyOf(oracle, got.length), got, "Jlama greedy vs engine argmax");
        assertArrayEquals(got, b.first().tokenIds(), "engine backend greedy");
        assertEquals(a.first().text(), b.first().text());

        // GreedyAccuracy.decode stops only at <|im_end|>; compare where both ran the same length.
        var loaded = ModelLoader.load(TinyRuntimeModels.model());
        Tokenizer tok = Tokenizer.load(TinyRuntimeModels.model());
        ChatTemplate t = ChatTemplate.load(TinyRuntimeModels.model());
        String expected = GreedyAccuracy.decode(TrainingModel.full(loaded.weights(), 1, 128), tok,
                t.render(TinyRuntimeModels.QUESTION, true), tok.id(t.eosToken()), 12);
        if (a.first().finishReason() == GenerationResult.FinishReason.LENGTH
                || got[got.length - 1] == tok.id(t.eosToken())) {
            assertEquals(expected, a.first().text());
        }
    }

    @Test
    void aSeedReproducesSamplesAndAnotherSeedDiffers() {
        GenerationRequest r = chat().maxNewTokens(10).temperature(1.0).topP(0.95).topK(100).seed(7L).n(3).build();
        for (LocalModel m : List.of(jlama, engine)) {
            Generator g = new Generator(m);
            GenerationResult first = g.generate(r);
            GenerationResult again = g.generate(r);
            assertEquals(first.samples(), again.samples(), m.backend() + ": same seed, same samples");
            assertEquals(7L, first.seed());
            assertEquals(3, first.samples().size());
            GenerationResult other = g.generate(chat().maxNewTokens(10).temperature(1.0).topP(0.95).topK(100).seed(8L)
                    .n(3).build());
            assertNotEquals(first.samples(), other.samples(), m.backend() + ": another seed");
            // Samples within one request are independent draws.
            assertFalse(Arrays.equals(first.samples().get(0).tokenIds(), first.samples().get(1).tokenIds())
                    && Arrays.equals(first.samples().get(1).tokenIds(), first.samples().get(2).tokenIds()));
            // Sample i depends on (seed, i) only, not on n.
            // (n = 1 decodes on the model's backend, n = 3 on the engine: same tokens, log-probs within parity.)
            assertSameSample(first.samples().getFirst(),
                    g.generate(chat().maxNewTokens(10).temperature(1.0).topP(0.95).topK(100).seed(7L).build()).first());
        }
    }

    /** Same tokens and text; log-probs equal within the parity check's tolerance (different backends). */
    static void assertSameSample(GenerationResult.Sample expected, GenerationResult.Sample actual) {
        assertArrayEquals(expected.tokenIds(), actual.tokenIds());
        assertEquals(expected.text(), actual.text());
        assertEquals(expected.finishReason(), actual.finishReason());
        assertArrayEquals(expected.logProbs(), actual.logProbs(), 1e-4);
    }

    @Test
    void batchedDecodingGivesTheSameSamplesAsOneAtATime() {
        // 3 requests × 4 samples = 12 sequences through a batch of 5: sequences finish at different steps (stop
        // strings, lengths) and waiting ones join mid-flight, so continuous batching is exercised too.
        List<GenerationRequest> requests = List.of(
                chat().maxNewTokens(9).temperature(1.0).seed(1L).n(4).build(),
                GenerationRequest.builder(Prompt.text("hello there")).maxNewTokens(5).temperature(0.8).seed(2L).n(4).build(),
                chat().maxNewTokens(12).temperature(1.2).topK(50).seed(3L).n(4).stopStrings(List.of("a")).build());
        for (LocalModel m : List.of(engine, jlama)) {
            List<GenerationResult> batched = new Generator(m, 5).generateAll(requests);
            List<GenerationResult> single = new Generator(m, 1).generateAll(requests);
            assertEquals(3, batched.size());
            for (int r = 0; r < 3; r++) {
                assertEquals(4, batched.get(r).samples().size());
                for (int i = 0; i < 4; i++) {
                    GenerationResult.Sample one = single.get(r).samples().get(i);
                    GenerationResult.Sample many = batched.get(r).samples().get(i);
                    // On the engine, batch mates change no bit; Jlama (batch 1) vs engine agree within parity.
                    if (m == engine) assertEquals(one, many, "request " + r + " sample " + i);
                    else assertSameSample(one, many);
                }
                assertEquals(batched.get(r).samples(), new Generator(m).generate(requests.get(r)).samples());
            }
        }
    }

    @Test
    void sampledTokensAreTheSameOnBothBackendsForTheSameSeed() {
        for (long seed : new long[] {11L, 12L}) {
            GenerationRequest r = chat().maxNewTokens(10).temperature(0.7).seed(seed).build();
            GenerationResult a = new Generator(jlama).generate(r);
            GenerationResult b = new Generator(engine).generate(r);
            assertEquals(LocalModel.Backend.JLAMA, a.backend(), "one sequence decodes on the model's backend");
            assertEquals(LocalModel.Backend.ENGINE, b.backend());
            assertArrayEquals(a.first().tokenIds(), b.first().tokenIds());
        }
        // Several sequences decode together on the engine's batched decoder, whatever the model's backend.
        GenerationResult batched = new Generator(jlama).generate(chat().maxNewTokens(4).seed(1L).n(2).build());
        assertEquals(LocalModel.Backend.ENGINE, batched.backend());
    }

    @Test
    void generatedLogProbsEqualTheScorersLogProbs() {
        GenerationRequest r = chat().maxNewTokens(10).temperature(1.0).seed(3L).n(2).build();
        Scorer scorer = new Scorer(engine);
        for (LocalModel m : List.of(jlama, engine)) {
            GenerationResult g = new Generator(m).generate(r);
            double tol = m.backend() == LocalModel.Backend.JLAMA ? 1e-4 : 1e-5;
            for (GenerationResult.Sample s : g.samples()) {
                Scorer.Score score = scorer.completion(g.promptIds(), s.tokenIds());
                double[] lp = s.logProbs();
                for (int i = 0; i < lp.length; i++) {
                    assertEquals(score.tokenLogProbs()[i], lp[i], tol, m.backend() + " token " + i);
                    assertTrue(lp[i] < 0);
                }
                assertEquals(score.sum(), s.sumLogProb(), tol * lp.length);
            }
        }
    }

    @Test
    void maxNewTokensCountsNewTokensOnly() {
        String longPrompt = "hello world, hello tokens. ".repeat(6);
        for (LocalModel m : List.of(jlama, engine)) {
            GenerationResult g = new Generator(m).generate(GenerationRequest.builder(Prompt.text(longPrompt))
                    .maxNewTokens(5).build());
            GenerationResult.Sample s = g.first();
            assertTrue(s.inputTokens() > 5, "the prompt is longer than the limit");
            assertEquals(g.promptIds().length, s.inputTokens());
            if (s.finishReason() == GenerationResult.FinishReason.LENGTH) assertEquals(5, s.outputTokens());
            else assertTrue(s.outputTokens() <= 5);
        }
        GenerationResult zero = new Generator(jlama).generate(chat().maxNewTokens(0).build());
        assertEquals(0, zero.first().outputTokens());
        assertEquals("", zero.first().text());
    }

    @Test
    void stopStringsCutTheTextAndSetTheFinishReason() {
        for (LocalModel m : List.of(jlama, engine)) {
            Generator g = new Generator(m);
            GenerationResult.Sample free = g.generate(chat().maxNewTokens(16).build()).first();
            String text = free.text();
            int at = -1;
            for (int i = 2; i + 2 <= text.length() && at < 0; i++) {
                String s = text.substring(i, i + 2);
                if (s.indexOf('\uFFFD') < 0 && text.indexOf(s) == i) at = i;
            }
            assertTrue(at > 0, "need a usable stop string in '" + text + "'");
            String stop = text.substring(at, at + 2);
            List<String> deltas = new ArrayList<>();
            GenerationResult.Sample cut = g.generate(chat().maxNewTokens(16).stopStrings(List.of("§never§", stop)).build(),
                    (i, id, d) -> deltas.add(d)).first();
            assertEquals(GenerationResult.FinishReason.STOP_STRING, cut.finishReason());
            assertEquals(text.substring(0, at), cut.text());
            assertTrue(cut.outputTokens() <= free.outputTokens());
            assertArrayEquals(Arrays.copyOf(free.tokenIds(), cut.outputTokens()), cut.tokenIds());
            assertEquals(cut.text(), String.join("", deltas), "streamed deltas add up to the text");
            assertEquals(cut.outputTokens(), deltas.size(), "one callback per token");
        }
    }

    @Test
    void aStopTokenEndsGenerationWithReasonStop() {
        // Hot sampling on the random model emits a stop token now and then (seeded, so always the same samples).
        GenerationResult g = new Generator(jlama).generate(chat().maxNewTokens(64).temperature(1.5).seed(1L).n(8).build());
        int[] stops = jlama.stopTokenIds();
        assertTrue(stops.length >= 2, "config eos ids plus the template's eos token");
        for (GenerationResult.Sample s : g.samples()) {
            int[] ids = s.tokenIds();
            boolean endsWithStop = ids.length > 0 && Arrays.stream(stops).anyMatch(x -> x == ids[ids.length - 1]);
            assertEquals(endsWithStop, s.finishReason() == GenerationResult.FinishReason.STOP);
            for (int i = 0; i + 1 < ids.length; i++) {
                int id = ids[i];
                assertFalse(Arrays.stream(stops).anyMatch(x -> x == id), "a stop token ends the sample");
            }
        }
        assertTrue(g.samples().stream().anyMatch(s -> s.finishReason() == GenerationResult.FinishReason.STOP),
                "some sample should end with a stop token");
    }

    @Test
    void promptsTooLongForTheBackendAreRefused() {
        int[] ids = new int[jlama.maxGenerationPositions() + 1];
        assertThrows(IllegalArgumentException.class,
                () -> new Generator(jlama).generate(GenerationRequest.builder(Prompt.ids(ids)).build()));
        assertThrows(IllegalArgumentException.class, () -> chat().topP(0).build());
        assertThrows(IllegalArgumentException.class, () -> chat().n(0).build());
    }
}
