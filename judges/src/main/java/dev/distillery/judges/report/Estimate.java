package dev.distillery.judges.report;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A statistic's value on the whole set and its percentile-bootstrap confidence interval.
 *
 * @param statistic which statistic
 * @param value     on all items
 * @param low       lower CI bound; null when the bootstrap was off or undefined in every resample
 * @param high      upper CI bound; null likewise
 * @param n         how many items (or, for length bias, eligible pairs) the value is computed on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Estimate(Statistic statistic, double value, Double low, Double high, long n) {

    public boolean hasInterval() {
        return low != null && high != null;
    }
}
