package dev.distillery.judges.report;

/**
 * How a {@link ReportCard} is computed. Defaults follow the reference: 1,000 percentile-bootstrap resamples of prompts
 * for 95% intervals, 10 calibration bins, a 30-character difference before a pair counts for length bias.
 *
 * <pre>{@code
 * ReportOptions o = ReportOptions.builder().resamples(2000).seed(7).build();
 * }</pre>
 *
 * @param resamples        bootstrap resamples; 0 turns the intervals off
 * @param confidence       the interval's coverage, e.g. 0.95 for the 2.5th to 97.5th percentile
 * @param seed             the bootstrap seed; the same seed gives the same intervals on any thread count
 * @param calibrationBins  equal-width confidence bins for ECE and the reliability diagram
 * @param lengthMargin     answers whose lengths differ by at most this many characters count as equally long
 * @param maxCategories    scores with more distinct values than this are treated as continuous (no kappa, no
 *                         confusion matrix)
 * @param histogramBins    bins of the score histograms of continuous scores
 * @param parallel         run bootstrap resamples on all cores
 */
public record ReportOptions(int resamples, double confidence, long seed, int calibrationBins, int lengthMargin,
                            int maxCategories, int histogramBins, boolean parallel) {

    public ReportOptions {
        if (resamples < 0) throw new IllegalArgumentException("resamples must be >= 0, got " + resamples);
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        if (calibrationBins < 1) throw new IllegalArgumentException("calibrationBins must be >= 1");
        if (lengthMargin < 0) throw new IllegalArgumentException("lengthMargin must be >= 0");
        if (maxCategories < 2) throw new IllegalArgumentException("maxCategories must be >= 2");
        if (histogramBins < 1) throw new IllegalArgumentException("histogramBins must be >= 1");
    }

    public static ReportOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the reference's defaults. */
    public static final class Builder {
        private int resamples = 1000;
        private double confidence = 0.95;
        private long seed = 20_240_601L;
        private int calibrationBins = Calibration.DEFAULT_BINS;
        private int lengthMargin = 30;
        private int maxCategories = 32;
        private int histogramBins = 20;
        private boolean parallel = true;

        public Builder resamples(int v) {
            resamples = v;
            return this;
        }

        public Builder confidence(double v) {
            confidence = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder calibrationBins(int v) {
            calibrationBins = v;
            return this;
        }

        public Builder lengthMargin(int v) {
            lengthMargin = v;
            return this;
        }

        public Builder maxCategories(int v) {
            maxCategories = v;
            return this;
        }

        public Builder histogramBins(int v) {
            histogramBins = v;
            return this;
        }

        public Builder parallel(boolean v) {
            parallel = v;
            return this;
        }

        public ReportOptions build() {
            return new ReportOptions(resamples, confidence, seed, calibrationBins, lengthMargin, maxCategories,
                    histogramBins, parallel);
        }
    }
}
