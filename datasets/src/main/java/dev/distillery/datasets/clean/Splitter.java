package dev.distillery.datasets.clean;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded, optionally stratified train/validation/test split with exact counts, in two streaming passes.
 * Pass 1 reads only each record's stratum (one int per record in memory); then each stratum's indices are shuffled
 * with a seed derived from the split seed and the stratum's value, and cut into counts by largest-remainder
 * rounding, so every stratum is split in the requested proportions as exactly as integers allow. Pass 2 streams
 * the records to their sinks in input order.
 *
 * <pre>{@code
 * SplitReport r = Splitter.builder().ratios(0.9, 0.05, 0.05).seed(7).stratifyBy("lineage.flow").build()
 *         .run(source, Map.of("train", trainSink, "validation", valSink, "test", testSink));
 * }</pre>
 *
 * <p>{@code stratifyBy} is a dot path into the record's native JSON ({@link Json#tree}), e.g. {@code kind},
 * {@code lineage.flow}, {@code source.fields.category}, {@code scores.judge.value}; a missing or null value is its
 * own stratum {@code "(missing)"}. Assignment depends only on the seed, the ratios and the sequence of strata, so
 * the same input and seed always give the same split.
 */
public final class Splitter {

    public static final String MISSING = "(missing)";
    public static final String ALL = "(all)";

    private final double[] ratios;
    private final List<String> names;
    private final long seed;
    private final String[] path;

    private Splitter(Builder b) {
        this.ratios = b.ratios;
        this.names = b.names;
        this.seed = b.seed;
        this.path = b.stratifyBy == null ? null : b.stratifyBy.split("\\.");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The stratum of {@code record}: the text of the value at the path, or {@link #MISSING}. */
    public String stratumOf(DataRecord record) {
        if (path == null) {
            return ALL;
        }
        JsonNode node = Json.tree(record);
        for (String step : path) {
            node = node.isArray() && step.chars().allMatch(Character::isDigit) ? node.path(Integer.parseInt(step))
                    : node.path(step);
        }
        if (node.isMissingNode() || node.isNull()) {
            return MISSING;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    /**
     * Splits {@code source} into {@code sinks}, which must have a sink for every split name. The sinks are not
     * closed: whoever opened them closes them.
     */
    public SplitReport run(RecordSource source, Map<String, RecordSink> sinks) {
        RecordSink[] out = new RecordSink[names.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sinks.get(names.get(i));
            if (out[i] == null) {
                throw new IllegalArgumentException("no sink for split '" + names.get(i) + "'; sinks given: "
                        + sinks.keySet());
            }
        }
        // Pass 1: strata only.
        Map<String, Integer> strata = new LinkedHashMap<>();
        int[] stratumOf = new int[1024];
        int n = 0;
        try (RecordIterator it = source.open()) {
            while (it.hasNext()) {
                DataRecord r = it.next();
                if (n == stratumOf.length) {
                    stratumOf = Arrays.copyOf(stratumOf, n * 2);
                }
                stratumOf[n++] = strata.computeIfAbsent(stratumOf(r), k -> strata.size());
            }
        }
        // Group indices by stratum, shuffle each group, cut it into exact counts.
        List<String> strataNames = new ArrayList<>(strata.keySet());
        int[] sizes = new int[strataNames.size()];
        for (int i = 0; i < n; i++) {
            sizes[stratumOf[i]]++;
        }
        int[][] members = new int[sizes.length][];
        for (int s = 0; s < sizes.length; s++) {
            members[s] = new int[sizes[s]];
        }
        int[] fill = new int[sizes.length];
        for (int i = 0; i < n; i++) {
            members[stratumOf[i]][fill[stratumOf[i]]++] = i;
        }
        byte[] assignment = new byte[n];
        Map<String, Map<String, Long>> byStratum = new LinkedHashMap<>();
        for (int s = 0; s < members.length; s++) {
            int[] idx = members[s];
            // The stratum's value, not its discovery order, seeds its shuffle: reordering strata changes nothing.
            shuffle(idx, new SplittableRandom(seed ^ Hashing.fmix64(strataNames.get(s).hashCode() + 0x51L)));
            int[] counts = counts(idx.length, ratios);
            Map<String, Long> perSplit = new LinkedHashMap<>();
            int at = 0;
            for (int k = 0; k < counts.length; k++) {
                for (int j = 0; j < counts[k]; j++) {
                    assignment[idx[at++]] = (byte) k;
                }
                perSplit.put(names.get(k), (long) counts[k]);
            }
            byStratum.put(strataNames.get(s), perSplit);
        }
        // Pass 2: stream to the sinks.
        long[] written = new long[names.size()];
        int i = 0;
        try (RecordIterator it = source.open()) {
            while (it.hasNext()) {
                DataRecord r = it.next();
                if (i >= n) {
                    throw new IllegalStateException("source " + source.describe() + " grew between passes: more than "
                            + n + " records on the second pass");
                }
                int k = assignment[i++];
                out[k].write(r);
                written[k]++;
            }
        }
        if (i != n) {
            throw new IllegalStateException("source " + source.describe() + " shrank between passes: " + n
                    + " records, then " + i);
        }
        Map<String, Long> totals = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            totals.put(names.get(k), written[k]);
        }
        return new SplitReport(n, totals, byStratum);
    }

    /**
     * Largest-remainder (Hamilton) apportionment of {@code n} items: floor of each quota, then one more to the
     * largest fractional parts (earlier split on ties). Sums to exactly {@code n}.
     */
    static int[] counts(int n, double[] ratios) {
        int[] counts = new int[ratios.length];
        double[] remainder = new double[ratios.length];
        int assigned = 0;
        for (int k = 0; k < ratios.length; k++) {
            double quota = n * ratios[k];
            counts[k] = (int) Math.floor(quota + 1e-9);
            remainder[k] = quota - counts[k];
            assigned += counts[k];
        }
        while (assigned > n) { // only possible through the 1e-9 guard on a ratio sum just over 1
            int k = argmax(counts);
            counts[k]--;
            assigned--;
        }
        Integer[] order = new Integer[ratios.length];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (x, y) -> Double.compare(remainder[y], remainder[x]));
        for (int j = 0; assigned < n; j = (j + 1) % order.length) {
            counts[order[j]]++;
            assigned++;
        }
        return counts;
    }

    private static int argmax(int[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Configuration; {@link #ratios} is required. */
    public static final class Builder {
        private double[] ratios;
        private List<String> names;
        private long seed = 42;
        private String stratifyBy;

        /**
         * Fractions per split, summing to 1 (± 1e-6). With 3 ratios the names default to train/validation/test,
         * with 2 to train/test, otherwise to split0, split1, ...
         */
        public Builder ratios(double... ratios) {
            if (ratios.length == 0) {
                throw new IllegalArgumentException("at least one ratio is needed");
            }
            double sum = 0;
            for (double r : ratios) {
                if (!(r >= 0)) {
                    throw new IllegalArgumentException("ratios must be >= 0, got " + Arrays.toString(ratios));
                }
                sum += r;
            }
            if (Math.abs(sum - 1) > 1e-6) {
                throw new IllegalArgumentException("ratios " + Arrays.toString(ratios) + " sum to " + sum
                        + ", not 1 (tolerance 1e-6)");
            }
            this.ratios = ratios.clone();
            return this;
        }

        /** Split names, one per ratio, distinct. */
        public Builder names(String... names) {
            this.names = List.of(names);
            return this;
        }

        /** Seed of the shuffle; default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** A dot path into the record's JSON to stratify by, or null (default) for none. */
        public Builder stratifyBy(String path) {
            if (path != null && (path.isBlank() || path.startsWith(".") || path.endsWith(".") || path.contains(".."))) {
                throw new IllegalArgumentException("stratifyBy must be a dot path like 'lineage.flow', got '" + path
                        + "'");
            }
            this.stratifyBy = path;
            return this;
        }

        public Splitter build() {
            if (ratios == null) {
                throw new IllegalStateException("ratios(...) is required");
            }
            if (ratios.length > 127) {
                throw new IllegalArgumentException("at most 127 splits, got " + ratios.length);
            }
            if (names == null) {
                names = switch (ratios.length) {
                    case 3 -> List.of("train", "validation", "test");
                    case 2 -> List.of("train", "test");
                    default -> java.util.stream.IntStream.range(0, ratios.length).mapToObj(i -> "split" + i).toList();
                };
            }
            if (names.size() != ratios.length) {
                throw new IllegalArgumentException(names.size() + " names " + names + " for " + ratios.length
                        + " ratios");
            }
            if (new java.util.HashSet<>(names).size() != names.size()) {
                throw new IllegalArgumentException("split names must be distinct, got " + names);
            }
            return new Splitter(this);
        }
    }
}
