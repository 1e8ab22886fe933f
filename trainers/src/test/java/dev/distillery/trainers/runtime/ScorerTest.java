package dev.distillery.trainers.runtime;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScorerTest {

    LocalModel model;
    Scorer scorer;

    @BeforeAll
    void load() {
        model = LocalModel.builder(TinyRuntimeModels.model()).backend(LocalModel.BackendChoice.ENGINE).build();
        scorer = new Scorer(model);
    }

    @AfterAll
    void close() {
        model.close();
    }

    @Test
    void completionScoresAreChainRuleConsistent() {
        Prompt p = Prompt.text("what is 2+2? it is");
        Scorer.Score whole = scorer.completion(p, " 4. hello");
        assertEquals(Arrays.stream(whole.tokenLogProbs()).sum(), whole.sum(), 1e-12);
        assertEquals(whole.sum() / whole.tokens(), whole.mean(), 1e-12);
        // Scoring token by token (extending the prompt) gives the same numbers.
        int[] prompt = model.tokenizer().encode("what is 2+2? it is");
        int[] ids = whole.completionIds();
        for (int i = 0; i < ids.length; i++) {
            int[] ctx = Arrays.copyOf(prompt, prompt.length + i);
            System.arraycopy(ids, 0, ctx, prompt.length, i);
            assertEquals(whole.tokenLogProbs()[i], scorer.completion(ctx, new int[]{ids[i]}).sum(), 1e-5);
        }
    }

    @Test
    void candidateProbabilitiesMatchScoresAndNormalize() {
        Prompt p = Prompt.chat(Conversation.of(Message.user("rate this answer from 1 to 10")));
        List<String> ratings = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        Scorer.Candidates c = scorer.nextToken(p, ratings);
        assertEquals(1.0, Arrays.stream(c.normalized()).sum(), 1e-12);
        assertTrue(c.coveredMass() > 0 && c.coveredMass() < 1);
        for (int i = 0; i < ratings.size(); i++) {
            assertEquals(scorer.completion(p, ratings.get(i)).sum(), c.logProbs()[i], 1e-9, ratings.get(i));
        }
        double e = c.expectedValue();
        assertTrue(e >= 1 && e <= 10);
        assertEquals(ratings, List.copyOf(c.asMap().keySet()));
    }

    @Test
    void perplexityIsTheExponentOfTheMeanNegativeLogLikelihood() {
        List<String> texts = List.of("hello world, hello tokens", "reverse: abc -> cba");
        Scorer.Perplexity ppl = scorer.perplexity(texts);
        double sum = 0;
        int n = 0;
        for (String t : texts) {
            int[] ids = model.tokenizer().encode(t);
            Scorer.Score s = scorer.completion(Arrays.copyOf(ids, 1), Arrays.copyOfRange(ids, 1, ids.length));
            sum += s.sum();
            n += s.tokens();
        }
        assertEquals(n, ppl.tokens());
        assertEquals(Math.exp(-sum / n), ppl.perplexity(), 1e-9);
        assertTrue(ppl.perplexity() > 1 && ppl.perplexity() < 10 * model.config().vocabSize());
        Scorer.Perplexity chats = scorer.perplexityOfChats(List.of(TinyRuntimeModels.QUESTION));
        assertTrue(chats.tokens() > 5 && Double.isFinite(chats.perplexity()));
    }

    @Test
    void scoresDoNotDependOnTheGenerationBackend() {
        try (LocalModel jlama = LocalModel.load(TinyRuntimeModels.model())) {
            assertEquals(LocalModel.Backend.JLAMA, jlama.backend());
            Scorer.Score a = new Scorer(jlama).completion(Prompt.text("hello"), " world");
            Scorer.Score b = scorer.completion(Prompt.text("hello"), " world");
            assertArrayEquals(b.tokenLogProbs(), a.tokenLogProbs(), 0.0, "both use the engine");
        }
    }
}
