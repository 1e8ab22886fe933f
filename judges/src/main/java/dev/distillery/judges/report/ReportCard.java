package dev.distillery.judges.report;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Optional;

/**
 * A judge's report card (reference section 7.3): how often it agrees with a reference, beyond chance, in rank order,
 * with what biases and how well calibrated, each with a bootstrap interval. Made by {@link ReportCards#compute};
 * rendered by {@link ReportCards#text}, {@link ReportCards#json} and {@link ReportCards#plotJson}.
 *
 * <pre>{@code
 * ReportCard card = ReportCards.compute("gpt-judge", "human", items, ReportOptions.defaults());
 * card.estimate(Statistic.COHEN_KAPPA).ifPresent(e -> System.out.println(e.value()));
 * }</pre>
 *
 * @param judge          the judge's name (the score it wrote)
 * @param reference      what it is measured against (a label score, another judge, the dataset's own preference)
 * @param kind           scored items or pairwise verdicts
 * @param items          items read
 * @param unjudged       items the judge gave no value for (parse failures); left out of every statistic but this
 * @param estimates      the statistics that apply and are defined, in {@link Statistic} order
 * @param confusion      judge value by reference value; null for continuous scores
 * @param reliability    the reliability diagram; empty without probabilities
 * @param judgeHistogram distribution of the judge's values
 * @param referenceHistogram distribution of the reference values
 * @param bootstrap      how the intervals were computed
 * @param notes          why a statistic is missing or what to keep in mind reading one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReportCard(String judge, String reference, Kind kind, long items, long unjudged,
                         List<Estimate> estimates, ConfusionMatrix confusion,
                         List<Calibration.ReliabilityBin> reliability, List<HistogramBin> judgeHistogram,
                         List<HistogramBin> referenceHistogram, Bootstrap bootstrap, List<String> notes) {

    /** What the items are. */
    public enum Kind { SCORED, PAIRWISE }

    public ReportCard {
        estimates = List.copyOf(estimates);
        reliability = List.copyOf(reliability);
        judgeHistogram = List.copyOf(judgeHistogram);
        referenceHistogram = List.copyOf(referenceHistogram);
        notes = List.copyOf(notes);
    }

    /** Share of items the judge gave no value for. */
    public double unjudgedRate() {
        return items == 0 ? 0 : (double) unjudged / items;
    }

    public Optional<Estimate> estimate(Statistic statistic) {
        return estimates.stream().filter(e -> e.statistic() == statistic).findFirst();
    }

    /**
     * Counts of judge value (rows) against reference value (columns).
     *
     * @param labels the category values in ascending order (pairwise: 0 second, 0.5 tie, 1 first)
     * @param counts {@code counts[i][j]}: items the judge put in {@code labels[i]} and the reference in {@code labels[j]}
     */
    public record ConfusionMatrix(List<Double> labels, long[][] counts) {
    }

    /** One histogram bar; for discrete values {@code lower == upper}, the value itself. */
    public record HistogramBin(double lower, double upper, long count) {
    }

    /**
     * @param resamples  bootstrap resamples (0: no intervals)
     * @param confidence the intervals' coverage
     * @param seed       the seed that reproduces them
     * @param groups     how many groups (prompts) were resampled as units
     */
    public record Bootstrap(int resamples, double confidence, long seed, long groups) {
    }
}
