package dev.distillery.trainers.preference;

import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.SequenceScores;
import dev.distillery.trainers.model.Initializers;
import dev.distillery.trainers.model.LoraConfig;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.model.Projection;
import dev.distillery.trainers.reference.FiniteDifferences;
import dev.distillery.trainers.reference.ReferenceModel;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreferenceLossTest {

    private static PreferenceLoss loss(PreferenceLoss.Type t) {
        return new PreferenceLoss(t, 0.7, t == PreferenceLoss.Type.ROBUST ? 0.1 : 0.0, 0.5, 0.0);
    }

    @Test
    void atInitialisationPolicyEqualsReferenceAndTheLossIsLn2() {
        for (var t : new PreferenceLoss.Type[]{PreferenceLoss.Type.SIGMOID, PreferenceLoss.Type.SIGMOID_NORM,
                PreferenceLoss.Type.ROBUST}) {
            assertEquals(Math.log(2), loss(t).pair(-12.5, -20.25, -12.5, -20.25, 5, 7).loss(), 1e-15, t.name());
        }
        // IPO at Δ̄ = 0: (1/(2β))².
        assertEquals(Math.pow(1 / 1.4, 2), loss(PreferenceLoss.Type.IPO).pair(-3, -4, -3, -4, 2, 2).loss(), 1e-15);
    }

    /** The analytic dL/dπ of every loss against central differences of the pair function itself. */
    @Test
    void derivativesMatchFiniteDifferences() {
        Random r = new Random(4);
        for (PreferenceLoss.Type t : PreferenceLoss.Type.values()) {
            for (double sft : new double[]{0.0, 0.5}) {
                PreferenceLoss l = new PreferenceLoss(t, 0.3 + r.nextDouble(), t == PreferenceLoss.Type.ROBUST ? 0.2 : 0.0,
                        0.5, sft);
                for (int k = 0; k < 20; k++) {
                    int nC = 1 + r.nextInt(9), nR = 1 + r.nextInt(9);
                    double piC = -nC * (0.2 + 3 * r.nextDouble()), piR = -nR * (0.2 + 3 * r.nextDouble());
                    double rhoC = piC + r.nextGaussian(), rhoR = piR + r.nextGaussian();
                    var p = l.pair(piC, piR, rhoC, rhoR, nC, nR);
                    double h = 1e-6;
                    double numC = (l.pair(piC + h, piR, rhoC, rhoR, nC, nR).loss() - l.pair(piC - h, piR, rhoC, rhoR, nC, nR).loss()) / (2 * h);
                    double numR = (l.pair(piC, piR + h, rhoC, rhoR, nC, nR).loss() - l.pair(piC, piR - h, rhoC, rhoR, nC, nR).loss()) / (2 * h);
                    if (t == PreferenceLoss.Type.HINGE && Math.abs(1 - l.beta() * ((piC - rhoC) - (piR - rhoR))) < 1e-4) continue;
                    assertEquals(numC, p.dPiChosen(), 1e-6 * Math.max(1, Math.abs(numC)), t + " dπc");
                    assertEquals(numR, p.dPiRejected(), 1e-6 * Math.max(1, Math.abs(numR)), t + " dπr");
                }
            }
        }
    }

    /**
     * Through the whole model: the total DPO loss of two pairs as a function of the LoRA weights, its gradient from
     * the reference backward (fed with dL/dπ per row), against float64 finite differences, for every loss type.
     */
    @Test
    void wholeModelGradientsMatchFiniteDifferencesForEveryLoss() {
        ModelConfig c = ModelConfig.llama(17, 8, 12, 1, 2, 1);
        ModelWeights w = Initializers.randomModel(c, 5, 0.4);
        LoraLayout ll = LoraLayout.of(c, new LoraConfig(2, 4, 0.0, EnumSet.of(Projection.Q, Projection.V, Projection.UP), false));
        double[] base = new double[w.data().length];
        for (int i = 0; i < base.length; i++) base[i] = w.data()[i];
        double[] lora = new double[ll.size()];
        Random r = new Random(6);
        for (int i = 0; i < lora.length; i++) lora[i] = r.nextGaussian() * 0.3;
        // Rows 0,1 = chosen of pairs 0,1; rows 2,3 = rejected. Shared prompt tokens are masked.
        int T = 6;
        int[] ids = new int[4 * T], labels = new int[4 * T];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(c.vocabSize());
            labels[i] = i % T < 2 ? Batch.IGNORE : ids[i];
        }
        Batch b = Batch.of(4, T, ids, labels);
        SequenceScores ref = new ReferenceModel(c, base).forward(b); // the adapter disabled = the base model
        ReferenceModel policy = new ReferenceModel(c, base, ll, lora);

        for (PreferenceLoss.Type t : PreferenceLoss.Type.values()) {
            PreferenceLoss l = loss(t);
            java.util.function.DoubleSupplier total = () -> {
                SequenceScores s = policy.forward(b);
                double sum = 0;
                for (int p = 0; p < 2; p++) {
                    sum += l.pair(s.logProb()[p], s.logProb()[p + 2], ref.logProb()[p], ref.logProb()[p + 2],
                            s.count()[p], s.count()[p + 2]).loss();
                }
                return sum / 2;
            };
            SequenceScores s = policy.forward(b);
            double[] d = new double[4];
            for (int p = 0; p < 2; p++) {
                var g = l.pair(s.logProb()[p], s.logProb()[p + 2], ref.logProb()[p], ref.logProb()[p + 2],
                        s.count()[p], s.count()[p + 2]);
                d[p] = g.dPiChosen() / 2;
                d[p + 2] = g.dPiRejected() / 2;
            }
            double[] dLora = new double[lora.length];
            policy.backward(d, null, dLora);
            int[] idx = new int[lora.length];
            for (int i = 0; i < idx.length; i++) idx[i] = i;
            double maxG = FiniteDifferences.maxAbs(dLora, 0, dLora.length);
            assertTrue(maxG > 0, t + ": no gradient");
            var res = FiniteDifferences.check(lora, dLora, idx, maxG, total);
            assertTrue(res.maxError() <= FiniteDifferences.TOLERANCE, t + ": " + res);
        }
    }

    @Test
    void rewardsAreBetaTimesTheSummedLogRatio() {
        PreferenceLoss l = new PreferenceLoss(PreferenceLoss.Type.IPO, 0.25, 0, 0, 0);
        assertEquals(0.25 * (-10 + 12), l.reward(-10, -12), 1e-15);
    }
}
