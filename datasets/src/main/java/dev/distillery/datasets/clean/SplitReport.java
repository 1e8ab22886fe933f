package dev.distillery.datasets.clean;

import java.util.Map;

/**
 * What a split produced.
 *
 * <pre>{@code SplitReport r = Splitter.builder().ratios(0.9, 0.1).build().run(source, sinks);}</pre>
 *
 * @param total     records read
 * @param counts    split name to records written there, in split order
 * @param byStratum stratum value to (split name to count); a single {@code "(all)"} stratum when not stratified
 */
public record SplitReport(long total, Map<String, Long> counts, Map<String, Map<String, Long>> byStratum) {
}
