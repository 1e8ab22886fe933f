package dev.distillery.trainers.engine;

/**
 * What a forward pass returns per row: the summed log-probability of the row's targets and how many there are.
 * Every training objective is a function of these: SFT's token mean is {@code -Σ logProb / Σ count}; DPO compares
 * chosen and rejected rows. The backward pass takes {@code dLoss/dLogProb[row]} and nothing else, so one engine
 * serves SFT and every preference loss.
 *
 * @param logProb per row, Σ_t log p(labels[t+1] | tokens ≤ t) over scored targets
 * @param count   per row, the number of scored targets
 */
public record SequenceScores(double[] logProb, int[] count) {

    public int rows() {
        return logProb.length;
    }

    public double totalLogProb() {
        double s = 0;
        for (double v : logProb) s += v;
        return s;
    }

    public int totalCount() {
        int s = 0;
        for (int v : count) s += v;
        return s;
    }
}
