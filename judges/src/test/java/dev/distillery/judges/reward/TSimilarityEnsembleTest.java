package dev.distillery.judges.reward;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TSimilarityEnsembleTest {

    @Test
    void similarityFollowsTheDefinition() {
        assertEquals(1.0, TSimilarityEnsemble.similarity(new double[] {1, 1, 1}), 1e-15);
        assertEquals(0.5, TSimilarityEnsemble.similarity(new double[] {0.5, 0.5, 0.5, 0.5}), 1e-15);
        // Two certain heads that disagree share nothing.
        assertEquals(0.0, TSimilarityEnsemble.similarity(new double[] {1, 0}), 1e-15);
        // Hand computation for (0.9, 0.6, 0.2): pairwise inner products 0.54+0.04, 0.18+0.08, 0.12+0.32 → mean 0.42667
        assertEquals((0.58 + 0.26 + 0.44) / 3, TSimilarityEnsemble.similarity(new double[] {0.9, 0.6, 0.2}), 1e-12);
        // All heads at 0.8: 0.8² + 0.2², the default T-similarity threshold.
        assertEquals(0.68, TSimilarityEnsemble.similarity(new double[] {0.8, 0.8, 0.8, 0.8, 0.8}), 1e-12);
    }

    @Test
    void diversityTermLowersAgreementOnUnlabelledDataButNotOnLabelledData() {
        // Labelled pairs vary along dimension 0 only; unlabelled pairs also move along dimensions 1..7, where the
        // labelled data says nothing: a diverse ensemble should be unsure exactly there.
        Random random = new Random(5);
        int d = 8;
        double[][] labelled = new double[20][d];
        double[][] unlabelled = new double[60][d];
        for (double[] row : labelled) row[0] = 1 + random.nextDouble();
        for (double[] row : unlabelled) {
            row[0] = random.nextGaussian() * 0.1;
            for (int j = 1; j < d; j++) row[j] = random.nextGaussian();
        }
        var plain = TSimilarityEnsemble.fit(labelled, unlabelled, new TSimilarityEnsemble.Options(5, 0, 0.1, 0, 1e-2, 1));
        var diverse = TSimilarityEnsemble.fit(labelled, unlabelled, new TSimilarityEnsemble.Options(5, 1, 0.1, 300, 1e-2, 1));

        double plainU = plain.meanConfidence(unlabelled), diverseU = diverse.meanConfidence(unlabelled);
        assertTrue(diverseU < plainU - 0.05, "diversity should lower s_T on unlabelled: " + plainU + " -> " + diverseU);
        double diverseL = diverse.meanConfidence(labelled);
        assertTrue(diverseL > diverseU + 0.1, "labelled pairs keep high agreement: " + diverseL + " vs " + diverseU);
        for (double[] row : labelled) {
            for (double p : diverse.probabilities(row)) assertTrue(p > 0.5, "every head still fits the labels");
        }
    }

    @Test
    void confidenceIsTheSameForBothOrdersOfAPair() {
        Random random = new Random(9);
        double[][] labelled = new double[10][4];
        for (double[] row : labelled) for (int j = 0; j < 4; j++) row[j] = random.nextGaussian() + (j == 0 ? 2 : 0);
        var ensemble = TSimilarityEnsemble.fit(labelled, labelled, TSimilarityEnsemble.Options.DEFAULT);
        double[] d = {0.3, -1, 0.2, 0.5};
        double[] swapped = {-0.3, 1, -0.2, -0.5};
        assertEquals(ensemble.confidence(d), ensemble.confidence(swapped), 1e-12);
    }
}
