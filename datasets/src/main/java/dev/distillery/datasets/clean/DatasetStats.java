package dev.distillery.datasets.clean;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Score;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Descriptive statistics of a dataset in one streaming pass: counts by kind and payload type, length percentiles
 * (characters = Unicode code points, and {@link TextNormalizer} words) of {@code payload.text()}, chosen/rejected
 * lengths for preference pairs, distinct-1/distinct-2, chat turn counts, score histograms per judge and token
 * statistics for pretokenized payloads. Memory: a few bytes per record for the length arrays, 8 bytes per record
 * per judge, and the distinct-n-gram sets, capped at {@code distinctCap} hashes each (exact below, estimated
 * above, flagged as such).
 *
 * <pre>{@code
 * DatasetStats.Stats s = DatasetStats.compute(source);
 * System.out.println(s.render());          // or Json.pretty(s) for --json
 * }</pre>
 */
public final class DatasetStats {

    /** Distinct n-gram hashes kept exactly before switching to an estimate. */
    public static final int DEFAULT_DISTINCT_CAP = 5_000_000;
    private static final int BINS = 10;

    private DatasetStats() {
    }

    public static Stats compute(RecordSource source) {
        return compute(source, DEFAULT_DISTINCT_CAP);
    }

    public static Stats compute(RecordSource source, int distinctCap) {
        Accumulator acc = new Accumulator(distinctCap);
        try (RecordIterator it = source.open()) {
            while (it.hasNext()) {
                acc.add(it.next());
            }
        }
        return acc.result();
    }

    /**
     * The statistics. Sections that do not apply (no chats, no preference pairs, no token payloads) are null and
     * left out of the JSON.
     *
     * @param records       number of records
     * @param byKind        record kind to count
     * @param byPayloadType payload type to count
     * @param chars         code points of {@code payload.text()} (text payloads only; token payloads have none)
     * @param words         words of {@code payload.text()}, same records
     * @param preference    chosen/rejected lengths of preference pairs
     * @param distinct1     distinct unigrams / all unigrams over the dataset
     * @param distinct2     distinct bigrams / all bigrams
     * @param chatTurns     messages per chat conversation
     * @param scores        judge to score summary
     * @param tokens        pretokenized payloads
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stats(long records, Map<String, Long> byKind, Map<String, Long> byPayloadType, Lengths chars,
                        Lengths words, PreferenceLengths preference, Distinct distinct1, Distinct distinct2,
                        Lengths chatTurns, Map<String, ScoreStats> scores, TokenStats tokens) {

        /** A plain-text report, one section per block, aligned columns. */
        public String render() {
            StringBuilder out = new StringBuilder();
            out.append("records: ").append(records).append('\n');
            counts(out, "by kind", byKind);
            counts(out, "by payload type", byPayloadType);
            out.append('\n').append(String.format(Locale.ROOT, "%-18s %8s %9s %7s %7s %7s %7s %7s %7s %7s%n",
                    "length", "count", "mean", "p0", "p5", "p25", "p50", "p75", "p95", "p100"));
            row(out, "chars", chars);
            row(out, "words", words);
            if (preference != null) {
                row(out, "chosen chars", preference.chosenChars);
                row(out, "rejected chars", preference.rejectedChars);
                row(out, "chosen words", preference.chosenWords);
                row(out, "rejected words", preference.rejectedWords);
            }
            row(out, "chat turns", chatTurns);
            if (tokens != null) {
                row(out, "tokens", tokens.length);
            }
            out.append('\n');
            distinct(out, "distinct-1", distinct1);
            distinct(out, "distinct-2", distinct2);
            if (tokens != null) {
                out.append(String.format(Locale.ROOT, "labels ignored (-100): %d of %d (%.1f%%)%n",
                        tokens.ignoredLabels, tokens.labels, 100 * tokens.ignoredFraction));
            }
            for (Map.Entry<String, ScoreStats> e : scores.entrySet()) {
                ScoreStats s = e.getValue();
                out.append(String.format(Locale.ROOT, "%nscore %s: count %d, mean %.4g, min %.4g, max %.4g%n",
                        e.getKey(), s.count, s.mean, s.min, s.max));
                long most = s.histogram.stream().mapToLong(Bin::count).max().orElse(1);
                for (Bin b : s.histogram) {
                    int bar = (int) Math.round(30.0 * b.count / Math.max(1, most));
                    out.append(String.format(Locale.ROOT, "  [%9.4g, %9.4g%s %8d %s%n", b.from, b.to,
                            b == s.histogram.get(s.histogram.size() - 1) ? "]" : ")", b.count, "#".repeat(bar)));
                }
            }
            return out.toString();
        }

        private static void counts(StringBuilder out, String title, Map<String, Long> counts) {
            out.append(title).append(':');
            counts.forEach((k, v) -> out.append(' ').append(k).append('=').append(v));
            out.append('\n');
        }

        private static void row(StringBuilder out, String name, Lengths l) {
            if (l == null || l.count == 0) {
                return;
            }
            out.append(String.format(Locale.ROOT, "%-18s %8d %9.1f %7.0f %7.0f %7.0f %7.0f %7.0f %7.0f %7.0f%n",
                    name, l.count, l.mean, l.p0, l.p5, l.p25, l.p50, l.p75, l.p95, l.p100));
        }

        private static void distinct(StringBuilder out, String name, Distinct d) {
            out.append(String.format(Locale.ROOT, "%s: %.4f (%d distinct of %d%s)%n", name, d.ratio, d.distinct,
                    d.total, d.estimated ? ", distinct count estimated" : ""));
        }
    }

    /**
     * A length distribution; percentiles interpolate linearly between closest ranks (NumPy's default).
     */
    public record Lengths(long count, double mean, double p0, double p5, double p25, double p50, double p75,
                          double p95, double p100) {

        static Lengths of(long[] values, int n) {
            if (n == 0) {
                return null;
            }
            long[] v = Arrays.copyOf(values, n);
            Arrays.sort(v);
            double sum = 0;
            for (long x : v) {
                sum += x;
            }
            return new Lengths(n, sum / n, pct(v, 0), pct(v, 5), pct(v, 25), pct(v, 50), pct(v, 75), pct(v, 95),
                    pct(v, 100));
        }

        private static double pct(long[] sorted, double p) {
            double pos = p / 100 * (sorted.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = (int) Math.ceil(pos);
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
        }
    }

    /** Lengths of the two sides of preference pairs. */
    public record PreferenceLengths(Lengths chosenChars, Lengths rejectedChars, Lengths chosenWords,
                                    Lengths rejectedWords) {
    }

    /**
     * Distinct-n.
     *
     * @param distinct  distinct n-grams (estimated when {@code estimated})
     * @param total     all n-grams, exact
     * @param ratio     distinct / total
     * @param estimated whether the distinct set outgrew its cap and was sampled
     */
    public record Distinct(long distinct, long total, double ratio, boolean estimated) {
    }

    /** One judge's scores: summary and a 10-bin equal-width histogram over [min, max]. */
    public record ScoreStats(long count, double mean, double min, double max, List<Bin> histogram) {
    }

    /** A histogram bin [from, to), the last one closed. */
    public record Bin(double from, double to, long count) {
    }

    /** Pretokenized payloads ({@code tokens}): sequence length and the share of labels that are -100. */
    public record TokenStats(Lengths length, long labels, long ignoredLabels, double ignoredFraction) {
    }

    private static final class Longs {
        long[] a = new long[256];
        int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }
    }

    private static final class Accumulator {
        long records;
        final Map<String, Long> byKind = new TreeMap<>();
        final Map<String, Long> byType = new TreeMap<>();
        final Longs chars = new Longs();
        final Longs words = new Longs();
        final Longs chosenChars = new Longs();
        final Longs rejectedChars = new Longs();
        final Longs chosenWords = new Longs();
        final Longs rejectedWords = new Longs();
        final Longs turns = new Longs();
        final Longs tokenLengths = new Longs();
        long labels;
        long ignored;
        final Map<String, double[]> scores = new TreeMap<>();
        final Map<String, Integer> scoreCounts = new TreeMap<>();
        final DistinctCounter uni;
        final DistinctCounter bi;
        long uniTotal;
        long biTotal;

        Accumulator(int cap) {
            uni = new DistinctCounter(cap);
            bi = new DistinctCounter(cap);
        }

        void add(DataRecord r) {
            records++;
            byKind.merge(r.kind(), 1L, Long::sum);
            Payload p = r.payload();
            byType.merge(p.type(), 1L, Long::sum);
            switch (p) {
                case Payload.Tokens t -> {
                    tokenLengths.add(t.inputIds().length);
                    labels += t.labels().length;
                    for (int l : t.labels()) {
                        if (l == Payload.Tokens.IGNORE_INDEX) {
                            ignored++;
                        }
                    }
                }
                case Payload.TokenPreference tp -> {
                    // No text to measure; counted by type only.
                }
                default -> text(p);
            }
            for (Map.Entry<String, Score> e : r.scores().entrySet()) {
                int i = scoreCounts.merge(e.getKey(), 1, Integer::sum) - 1;
                double[] v = scores.computeIfAbsent(e.getKey(), k -> new double[64]);
                if (i == v.length) {
                    v = Arrays.copyOf(v, i * 2);
                    scores.put(e.getKey(), v);
                }
                v[i] = e.getValue().value();
            }
        }

        private void text(Payload p) {
            String text = p.text();
            chars.add(text.codePointCount(0, text.length()));
            long[] w = TextNormalizer.wordHashes(text);
            words.add(w.length);
            for (int i = 0; i < w.length; i++) {
                uni.add(w[i]);
                if (i + 1 < w.length) {
                    bi.add(Hashing.ngram(w, i, 2));
                }
            }
            uniTotal += w.length;
            biTotal += Math.max(0, w.length - 1);
            if (p instanceof Payload.Preference pref) {
                String c = pref.chosen().text();
                String rj = pref.rejected().text();
                chosenChars.add(c.codePointCount(0, c.length()));
                rejectedChars.add(rj.codePointCount(0, rj.length()));
                chosenWords.add(TextNormalizer.wordCount(c));
                rejectedWords.add(TextNormalizer.wordCount(rj));
            } else if (p instanceof Payload.Chat chat) {
                turns.add(chat.messages().messages().size());
            }
        }

        Stats result() {
            PreferenceLengths pref = chosenChars.n == 0 ? null : new PreferenceLengths(
                    Lengths.of(chosenChars.a, chosenChars.n), Lengths.of(rejectedChars.a, rejectedChars.n),
                    Lengths.of(chosenWords.a, chosenWords.n), Lengths.of(rejectedWords.a, rejectedWords.n));
            Map<String, ScoreStats> scoreStats = new LinkedHashMap<>();
            scores.forEach((judge, v) -> scoreStats.put(judge, scoreStats(Arrays.copyOf(v, scoreCounts.get(judge)))));
            TokenStats tokens = tokenLengths.n == 0 ? null : new TokenStats(Lengths.of(tokenLengths.a, tokenLengths.n),
                    labels, ignored, labels == 0 ? 0 : (double) ignored / labels);
            return new Stats(records, byKind, byType, Lengths.of(chars.a, chars.n), Lengths.of(words.a, words.n), pref,
                    distinct(uni, uniTotal), distinct(bi, biTotal), Lengths.of(turns.a, turns.n), scoreStats, tokens);
        }

        private static Distinct distinct(DistinctCounter c, long total) {
            long d = Math.min(c.estimate(), total);
            return new Distinct(d, total, total == 0 ? 0 : (double) d / total, c.estimated());
        }

        private static ScoreStats scoreStats(double[] v) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (double x : v) {
                min = Math.min(min, x);
                max = Math.max(max, x);
                sum += x;
            }
            List<Bin> bins = new ArrayList<>();
            if (max == min) {
                bins.add(new Bin(min, max, v.length)); // one value: one degenerate bin, not ten empty ones
            } else {
                double width = (max - min) / BINS;
                long[] counts = new long[BINS];
                for (double x : v) {
                    counts[Math.min(BINS - 1, (int) ((x - min) / width))]++;
                }
                for (int i = 0; i < BINS; i++) {
                    bins.add(new Bin(min + i * width, i == BINS - 1 ? max : min + (i + 1) * width, counts[i]));
                }
            }
            return new ScoreStats(v.length, sum / v.length, min, max, bins);
        }
    }
}
