package dev.distillery.judges.reward;

import dev.distillery.judges.spi.PairInput;
import dev.distillery.judges.spi.PairwiseVerdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reward model on the real all-MiniLM-L6-v2 (cached across tests) and the generated on-topic/off-topic set.
 * Held-out pairs use prompts and answers that never appear in training.
 */
class RewardModelTest {

    private static final List<PreferencePair> HELD_OUT = TopicCorpus.heldOut(300, 2);

    private static RewardModelTrainer.Builder trainer() {
        return RewardModelTrainer.builder().embedder(CachingEmbeddingModel.EMBEDDER);
    }

    /** Share of held-out pairs where the model prefers the chosen answer. */
    static double accuracy(RewardModel model, List<PreferencePair> pairs) {
        List<PairInput> inputs = new ArrayList<>();
        for (PreferencePair p : pairs) inputs.add(new PairInput(p.prompt(), p.chosen(), p.rejected(), null));
        int correct = 0;
        for (double p : model.preferences(inputs)) if (p > 0.5) correct++;
        return (double) correct / pairs.size();
    }

    /** Unlabelled pairs from the training side, each in a random order; the labels stay with the test. */
    static List<PairInput> unlabelled(List<PreferencePair> pairs, long seed) {
        Random random = new Random(seed);
        List<PairInput> out = new ArrayList<>();
        for (PreferencePair p : pairs) {
            out.add(random.nextBoolean() ? new PairInput(p.prompt(), p.chosen(), p.rejected(), null)
                    : new PairInput(p.prompt(), p.rejected(), p.chosen(), null));
        }
        return out;
    }

    @Test
    void learnsToPreferOnTopicAnswersAndGeneralisesToUnseenPromptsAndAnswers() {
        RewardModel model = trainer().build().train(TopicCorpus.training(300, 1));

        double accuracy = accuracy(model, HELD_OUT);
        // Measured 0.967 with the default λ = 0.01 (0.983 at λ = 0.1; see docs/reward-model.md). 0.93 leaves room
        // for ONNX runtime differences between CPUs while still failing a model that learned nothing (0.5) or only
        // prompt-answer cosine (0.853 on this set).
        assertTrue(accuracy >= 0.93, "held-out accuracy " + accuracy);
        assertTrue(model.head().training().trainingAccuracy() >= 0.97, "fits its training pairs");
        assertTrue(model.head().training().converged());

        // The baseline the reference asks to beat: "the longer answer wins".
        int longer = 0;
        for (PreferencePair p : HELD_OUT) if (p.chosen().length() > p.rejected().length()) longer++;
        double longest = (double) longer / HELD_OUT.size();
        assertTrue(accuracy > longest + 0.3, "reward model " + accuracy + " vs longest-wins " + longest);
    }

    @Test
    void selfTrainingWithUnlabelledPairsBeatsTheSameFewLabelsAlone() {
        // 32 labels: with 8 labels the first pseudo-labels are only ~75% right and self-training makes things worse
        // (confirmation bias; measured and documented in docs/reward-model.md). From 32 labels the confident
        // pseudo-labels are > 90% right and SSRM helps.
        List<PreferencePair> labelled = TopicCorpus.training(32, 3);
        List<PreferencePair> hidden = TopicCorpus.training(300, 4);
        List<PairInput> unlabelled = unlabelled(hidden, 5);
        RewardModelTrainer t = trainer().build();

        double alone = accuracy(t.train(labelled), HELD_OUT);
        SelfTrainingResult ssrm = t.selfTrain(labelled, unlabelled);
        double self = accuracy(ssrm.model(), HELD_OUT);

        // Measured: 0.847 alone, 0.903 with SSRM.
        assertTrue(self >= alone + 0.03, "SSRM " + self + " vs labels alone " + alone);

        List<SsrmRound> rounds = ssrm.rounds();
        assertEquals(0, rounds.get(0).round());
        assertTrue(rounds.size() >= 2 && rounds.size() <= 4, "round 0 plus up to 3 rounds: " + rounds);
        assertTrue(rounds.get(1).selected() > 0 && rounds.get(1).candidates() == 300, rounds.get(1).toString());
        assertEquals(ssrm.pseudoLabels().size(), rounds.get(rounds.size() - 1).selected());
        assertEquals(32, ssrm.model().head().training().labelledPairs());
        assertEquals(ssrm.pseudoLabels().size(), ssrm.model().head().training().pseudoLabelledPairs());

        int right = 0;
        for (PseudoLabel pl : ssrm.pseudoLabels()) {
            boolean firstIsChosen = unlabelled.get(pl.index()).first().equals(hidden.get(pl.index()).chosen());
            if (pl.firstPreferred() == firstIsChosen) right++;
            assertTrue(pl.confidence() >= 0.8, "only confident pairs are kept: " + pl);
        }
        double precision = (double) right / ssrm.pseudoLabels().size();
        assertTrue(precision >= 0.85, "pseudo-label precision " + precision);
    }

    @Test
    void selfTrainingWithTSimilarityGatingKeepsFewerButCleanerPseudoLabels() {
        List<PreferencePair> labelled = TopicCorpus.training(32, 3);
        List<PreferencePair> hidden = TopicCorpus.training(300, 4);
        List<PairInput> unlabelled = unlabelled(hidden, 5);
        RewardModelTrainer t = trainer().confidence(RewardModelTrainer.Confidence.T_SIMILARITY).build();
        double alone = accuracy(t.train(labelled), HELD_OUT);
        SelfTrainingResult ssrm = t.selfTrain(labelled, unlabelled);
        double self = accuracy(ssrm.model(), HELD_OUT);

        SsrmRound first = ssrm.rounds().get(1);
        // s_T is a mean of inner products of two-class distributions: always within [0, 1].
        assertTrue(first.meanConfidence() > 0 && first.meanConfidence() < 1, first.toString());
        int right = 0;
        for (PseudoLabel pl : ssrm.pseudoLabels()) {
            assertTrue(pl.confidence() >= 0.68, pl.toString());
            if (pl.firstPreferred() == unlabelled.get(pl.index()).first().equals(hidden.get(pl.index()).chosen())) right++;
        }
        double precision = (double) right / ssrm.pseudoLabels().size();
        // Measured: 117 pseudo-labels, 0.98 right (probability gating: 276, 0.92); 0.847 alone -> 0.893.
        assertTrue(precision >= 0.93, "T-similarity pseudo-label precision " + precision);
        assertTrue(self >= alone + 0.02, "SSRM with T-similarity " + self + " vs labels alone " + alone);
    }

    @Test
    void trainingAndSelfTrainingAreDeterministic() {
        List<PreferencePair> labelled = TopicCorpus.training(32, 3);
        List<PairInput> unlabelled = unlabelled(TopicCorpus.training(300, 4), 5);
        RewardModelTrainer t = trainer().build();
        org.junit.jupiter.api.Assertions.assertArrayEquals(t.train(labelled).head().weights(),
                t.train(labelled).head().weights(), 0.0);
        SelfTrainingResult a = t.selfTrain(labelled, unlabelled), b = t.selfTrain(labelled, unlabelled);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.model().head().weights(), b.model().head().weights(), 0.0);
        assertEquals(a.rounds(), b.rounds());
        assertEquals(a.pseudoLabels(), b.pseudoLabels());
    }

    @Test
    void preferenceIsAntisymmetricAndTheJudgeIsOrderIndependent() {
        RewardModel model = trainer().build().train(TopicCorpus.training(100, 1));
        PreferencePair p = HELD_OUT.get(0);
        double ab = model.preference(p.prompt(), p.chosen(), p.rejected());
        double ba = model.preference(p.prompt(), p.rejected(), p.chosen());
        assertEquals(1.0, ab + ba, 1e-12);

        var judge = model.asJudge("reward-model", 0.0);
        var forward = assertInstanceOf(PairwiseVerdict.Decided.class,
                judge.compare(new PairInput(p.prompt(), p.chosen(), p.rejected(), null)));
        var backward = assertInstanceOf(PairwiseVerdict.Decided.class,
                judge.compare(new PairInput(p.prompt(), p.rejected(), p.chosen(), null)));
        assertEquals(PairwiseVerdict.Winner.FIRST, forward.winner());
        assertEquals(PairwiseVerdict.Winner.SECOND, backward.winner());
        assertEquals(Boolean.TRUE, forward.swapConsistent());
        assertTrue(forward.rationale().startsWith("P(first > second) = "), forward.rationale());

        double r1 = model.reward(p.prompt(), p.chosen()), r2 = model.reward(p.prompt(), p.rejected());
        assertEquals(ab, LogisticNewton.sigmoid(r1 - r2), 1e-12);
    }

    @Test
    void embedderFailureBecomesAFailedVerdict() {
        var broken = new dev.langchain4j.model.embedding.EmbeddingModel() {
            @Override
            public dev.langchain4j.model.output.Response<List<dev.langchain4j.data.embedding.Embedding>> embedAll(
                    List<dev.langchain4j.data.segment.TextSegment> segments) {
                throw new IllegalStateException("onnx session closed");
            }

            @Override
            public int dimension() {
                return 384;
            }
        };
        RewardModel trained = trainer().build().train(TopicCorpus.training(20, 1));
        RewardModel model = new RewardModel(trained.head(), new Embedder(Embedder.MINI_LM_ID, broken));
        var verdict = assertInstanceOf(PairwiseVerdict.Failed.class,
                model.asJudge("rm", 0.0).compare(new PairInput("q", "a", "b", null)));
        assertTrue(verdict.reason().contains("onnx session closed"), verdict.reason());
    }
}
