package dev.distillery.bench;

import dev.distillery.datasets.clean.DedupReport;
import dev.distillery.datasets.clean.ExactDedup;
import dev.distillery.datasets.clean.MinHashDedup;
import dev.distillery.datasets.clean.TextNormalizer;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Dedup throughput and MinHash accuracy on a synthetic corpus with planted duplicates. Every throughput is also
 * given as a ratio to a baseline measured in the same run (normalising and tokenising every document), so numbers
 * from different machines compare.
 *
 * <pre>{@code java -cp datasets/target/classes:bench/target/classes:$(cat cp.txt) dev.distillery.bench.DedupBench [docs]}</pre>
 *
 * Corpus (seed 2024): documents of 20-40 words drawn uniformly from 4000 made-up words; 10% are near-copies of an
 * earlier original with 1-3 words substituted at random positions, 5% exact copies up to case, whitespace and
 * punctuation. Each timing is the median of 3 runs after one warm-up run.
 */
public final class DedupBench {

    private static final int RUNS = 3;

    private DedupBench() {
    }

    private record Corpus(List<DataRecord> docs, Map<String, Double> nearJaccard, Set<String> exactCopies) {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Corpus corpus = corpus(n, 2024);
        RecordSource source = RecordSource.of(corpus.docs);
        System.out.printf(Locale.ROOT, "corpus: %d docs, %d planted near-copies, %d planted exact copies; %d cores%n",
                n, corpus.nearJaccard.size(), corpus.exactCopies.size(), Runtime.getRuntime().availableProcessors());

        List<String> texts = corpus.docs.stream().map(d -> d.payload().text()).toList();
        double base1 = docsPerSecond(n, () -> {
            long sink = 0;
            for (String t : texts) {
                sink += TextNormalizer.wordHashes(t).length;
            }
            return sink;
        });
        double baseAll = docsPerSecond(n, () -> texts.parallelStream().mapToLong(t -> TextNormalizer.wordHashes(t).length)
                .sum());

        ExactDedup exact = ExactDedup.builder().build();
        double exactRate = docsPerSecond(n, () -> exact.run(source, RecordSink.discard(), RecordSink.discard()));
        MinHashDedup mh7 = MinHashDedup.builder().build();
        double mh7Rate = docsPerSecond(n, () -> mh7.run(source, RecordSink.discard(), RecordSink.discard()));
        MinHashDedup mh8 = MinHashDedup.builder().threshold(0.8).build();
        double mh8Rate = docsPerSecond(n, () -> mh8.run(source, RecordSink.discard(), RecordSink.discard()));
        MinHashDedup mhEqual = MinHashDedup.builder().lshWeights(0.5, 0.5).build();
        double mhEqualRate = docsPerSecond(n, () -> mhEqual.run(source, RecordSink.discard(), RecordSink.discard()));

        System.out.println();
        System.out.printf(Locale.ROOT, "%-44s %12s %10s%n", "stage", "docs/s", "x baseline");
        row("normalise-only baseline (all cores)", baseAll, baseAll);
        row("normalise-only baseline (1 thread)", base1, baseAll);
        row("exact dedup (128-bit, FULL)", exactRate, baseAll);
        row("minhash t=0.7 (" + bands(mh7) + ", default)", mh7Rate, baseAll);
        row("minhash t=0.8 (" + bands(mh8) + ")", mh8Rate, baseAll);
        row("minhash t=0.7 (" + bands(mhEqual) + ", equal FP/FN weights)", mhEqualRate, baseAll);

        System.out.println();
        DedupReport ex = exact.run(source, RecordSink.discard(), RecordSink.discard());
        System.out.printf(Locale.ROOT, "exact dedup removed %d (planted exact copies %d)%n", ex.removed(),
                corpus.exactCopies.size());
        System.out.printf(Locale.ROOT, "%-30s %8s %8s %8s %10s %10s %10s %9s%n", "minhash accuracy", "removed",
                "TP", "FP", "recall", "recall", "recall", "precision");
        System.out.printf(Locale.ROOT, "%-30s %8s %8s %8s %10s %10s %10s %9s%n", "", "", "", "", "all plants",
                "near>=t", "exact", "");
        accuracy("t=0.7 " + bands(mh7), mh7, source, corpus);
        accuracy("t=0.8 " + bands(mh8), mh8, source, corpus);
        accuracy("t=0.7 " + bands(mhEqual) + " equal w", mhEqual, source, corpus);

        System.out.println();
        System.out.println("true Jaccard of planted near-copy pairs (5-gram shingles):");
        int[] hist = new int[7];
        String[] labels = {"[0, .5)", "[.5, .6)", "[.6, .7)", "[.7, .8)", "[.8, .9)", "[.9, 1)", "1.0"};
        double[] js = corpus.nearJaccard.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        for (double j : js) {
            hist[j >= 1 ? 6 : j < 0.5 ? 0 : Math.min(5, (int) ((j - 0.5) * 10) + 1)]++;
        }
        for (int i = 0; i < hist.length; i++) {
            System.out.printf(Locale.ROOT, "  %-9s %6d %s%n", labels[i], hist[i], "#".repeat(hist[i] * 60 / js.length));
        }
        System.out.printf(Locale.ROOT, "  median %.3f, p10 %.3f, p90 %.3f%n", js[js.length / 2], js[js.length / 10],
                js[js.length * 9 / 10]);
    }

    private static String bands(MinHashDedup d) {
        return d.lsh().bands() + "x" + d.lsh().rows();
    }

    private static void row(String name, double rate, double base) {
        System.out.printf(Locale.ROOT, "%-44s %12.0f %10.3f%n", name, rate, rate / base);
    }

    private static void accuracy(String name, MinHashDedup d, RecordSource source, Corpus c) {
        List<DataRecord> removed = new ArrayList<>();
        d.run(source, RecordSink.discard(), RecordSink.into(removed));
        long tp = 0;
        long nearHit = 0;
        long nearAbove = 0;
        long nearAboveHit = 0;
        long exactHit = 0;
        Set<String> removedIds = new HashSet<>();
        for (DataRecord r : removed) {
            removedIds.add(r.id());
            if (c.nearJaccard.containsKey(r.id()) || c.exactCopies.contains(r.id())) {
                tp++;
            }
        }
        for (Map.Entry<String, Double> e : c.nearJaccard.entrySet()) {
            boolean hit = removedIds.contains(e.getKey());
            nearHit += hit ? 1 : 0;
            if (e.getValue() >= d.threshold()) {
                nearAbove++;
                nearAboveHit += hit ? 1 : 0;
            }
        }
        for (String id : c.exactCopies) {
            exactHit += removedIds.contains(id) ? 1 : 0;
        }
        long planted = c.nearJaccard.size() + c.exactCopies.size();
        System.out.printf(Locale.ROOT, "%-30s %8d %8d %8d %10.4f %10.4f %10.4f %9.4f%n", name, removed.size(), tp,
                removed.size() - tp, (double) tp / planted, (double) nearAboveHit / Math.max(1, nearAbove),
                (double) exactHit / c.exactCopies.size(), removed.isEmpty() ? 1 : (double) tp / removed.size());
        if (nearHit > nearAbove + (tp - nearHit - exactHit)) {
            System.out.println("  (some near-copies below t were removed as duplicates of another copy of the same original)");
        }
    }

    /** One warm-up run, then the median of {@link #RUNS} timed runs. */
    private static double docsPerSecond(int n, Supplier<Object> work) {
        Object keep = work.get();
        double[] rates = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            keep = work.get();
            rates[i] = n / ((System.nanoTime() - t0) / 1e9);
        }
        if (keep == null) {
            System.out.print("");
        }
        Arrays.sort(rates);
        return rates[RUNS / 2];
    }

    private static Corpus corpus(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] vocab = new String[4000];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < vocab.length; ) {
            int len = 2 + r.nextInt(8);
            StringBuilder w = new StringBuilder();
            for (int k = 0; k < len; k++) {
                w.append((char) ('a' + r.nextInt(26)));
            }
            if (seen.add(w.toString())) {
                vocab[i++] = w.toString();
            }
        }
        MinHashDedup shingler = MinHashDedup.builder().build();
        List<DataRecord> docs = new ArrayList<>(n);
        List<String[]> originals = new ArrayList<>();
        Map<String, Double> near = new HashMap<>();
        Set<String> exact = new HashSet<>();
        String[] punct = {".", "!", "?", ",", ";", " -"};
        for (int i = 0; i < n; i++) {
            String id = "d" + i;
            double u = r.nextDouble();
            if (u < 0.10 && originals.size() > 10) {
                String[] src = originals.get(r.nextInt(originals.size()));
                String[] w = src.clone();
                int subs = 1 + r.nextInt(3);
                for (int k = 0; k < subs; k++) {
                    int pos = r.nextInt(w.length);
                    String repl;
                    do {
                        repl = vocab[r.nextInt(vocab.length)];
                    } while (repl.equals(w[pos]));
                    w[pos] = repl;
                }
                String text = String.join(" ", w);
                near.put(id, MinHashDedup.jaccard(shingler.shingles(text), shingler.shingles(String.join(" ", src))));
                docs.add(DataRecord.of(new Payload.Text(text)).withId(id));
            } else if (u < 0.15 && originals.size() > 10) {
                String[] src = originals.get(r.nextInt(originals.size()));
                StringBuilder t = new StringBuilder();
                for (String w : src) {
                    if (!t.isEmpty()) {
                        t.append(r.nextInt(5) == 0 ? "  " : r.nextInt(8) == 0 ? "\n" : " ");
                    }
                    t.append(r.nextInt(4) == 0 ? w.toUpperCase(Locale.ROOT) : w);
                    if (r.nextInt(6) == 0) {
                        t.append(punct[r.nextInt(punct.length)]);
                    }
                }
                exact.add(id);
                docs.add(DataRecord.of(new Payload.Text(t.toString())).withId(id));
            } else {
                String[] w = new String[20 + r.nextInt(21)];
                for (int k = 0; k < w.length; k++) {
                    w[k] = vocab[r.nextInt(vocab.length)];
                }
                originals.add(w);
                String text = String.join(" ", w);
                docs.add(DataRecord.of(new Payload.Text(Character.toUpperCase(text.charAt(0)) + text.substring(1) + "."))
                        .withId(id));
            }
        }
        return new Corpus(docs, near, exact);
    }
}
