package dev.distillery.judges.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CalibrationTest {

    /**
     * Five predictions, ten bins:
     * <pre>
     *   p     y  conf  right  bin
     *   0.9   1  0.9   yes    9
     *   0.8   0  0.8   no     8
     *   0.3   0  0.7   yes    7   (predicts 0)
     *   0.6   1  0.6   yes    6
     *   0.95  1  0.95  yes    9
     * </pre>
     * bin 9: acc 1, conf 0.925 -> 2/5 * 0.075 = 0.03; bin 8: 1/5 * |0 - 0.8| = 0.16; bin 7: 1/5 * 0.3 = 0.06;
     * bin 6: 1/5 * 0.4 = 0.08. ECE = 0.33. Brier = (0.01 + 0.64 + 0.09 + 0.16 + 0.0025) / 5 = 0.1805.
     */
    private static final double[] P = {0.9, 0.8, 0.3, 0.6, 0.95};
    private static final double[] Y = {1, 0, 0, 1, 1};

    @Test
    void eceAndBrierOfAHandComputedSet() {
        assertEquals(0.33, Calibration.ece(P, Y, 10), 1e-12);
        assertEquals(0.1805, Calibration.brier(P, Y), 1e-12);
    }

    @Test
    void reliabilityDiagramHasEveryBinAndTheRightCounts() {
        List<Calibration.ReliabilityBin> bins = Calibration.reliability(P, Y, 10);
        assertEquals(10, bins.size());
        assertEquals(0, bins.get(0).count());
        assertTrue(Double.isNaN(bins.get(0).accuracy()));
        Calibration.ReliabilityBin top = bins.get(9);
        assertEquals(2, top.count());
        assertEquals(0.925, top.confidence(), 1e-12);
        assertEquals(1.0, top.accuracy(), 1e-12);
        assertEquals(0.9, top.lower(), 1e-12);
        assertEquals(0.0, bins.get(8).accuracy(), 1e-12);
    }

    /** Two bins: [0, 0.5) stays empty, [0.5, 1] gets all five: |4/5 - mean conf 0.79| = 0.01. */
    @Test
    void coarserBinsPoolPredictions() {
        assertEquals(Math.abs(0.8 - (0.9 + 0.8 + 0.7 + 0.6 + 0.95) / 5), Calibration.ece(P, Y, 2), 1e-12);
    }

    @Test
    void aPerfectlyConfidentRightJudgeHasNoCalibrationError() {
        assertEquals(0.0, Calibration.ece(new double[] {1, 0, 1}, new double[] {1, 0, 1}, 10), 1e-12);
        assertEquals(0.0, Calibration.brier(new double[] {1, 0, 1}, new double[] {1, 0, 1}), 1e-12);
    }
}
