package dev.distillery.bench;

import dev.distillery.trainers.kernels.Gemm;
import dev.distillery.trainers.kernels.Gemm.Layout;
import dev.distillery.trainers.kernels.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GFLOP/s of {@link Gemm} for the three trainer layouts, 1 thread and all threads, against two baselines measured in
 * the same run: a plain Java i-k-j triple loop (1 thread) and the FMA peak (independent vector FMA chains), so the
 * numbers can be read as a fraction of what the cores can do.
 *
 * <pre>{@code java --add-modules=jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions \
 *   -XX:CompilerDirectivesFile=trainers/jit-directives.json \
 *   -cp trainers/target/classes:bench/target/classes:$(cat cp.txt) dev.distillery.bench.GemmBench [--quick] [seconds]}</pre>
 *
 * Each timing: one warm-up call, then calls repeated until {@code seconds} (default 0.4) have passed and at least 3
 * calls were made; best and median per call are reported. The i-k-j baseline runs on the first 64 rows of M only
 * (it is a rate, and the full (1024,512,32000) product would take ~20 s at its speed). {@code --quick} runs only
 * (1024,512,512) with the ABT layout on 1 thread for {@code seconds}, printing the rate of every 10th call: used to look for JIT outliers in
 * fresh JVMs.
 */
public final class GemmBench {

    private static final int[][] SHAPES = { // M, K, N
        {1024, 512, 512}, {1024, 512, 1376}, {1024, 1376, 512}, {1024, 512, 32000}, {1024, 64, 172}, {128, 64, 172}};
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private GemmBench() {
    }

    public static void main(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        double seconds = Arrays.stream(args).filter(a -> !a.startsWith("--")).mapToDouble(Double::parseDouble)
                .findFirst().orElse(0.4);
        Parallel all = Parallel.shared();
        Parallel one = Parallel.serial();
        if (quick) {
            quick(one, seconds);
            return;
        }
        System.out.printf(Locale.ROOT, "cores %d, Parallel.shared() threads %d, vector %d bits (%d floats)%n",
                Runtime.getRuntime().availableProcessors(), all.threads(), S.vectorBitSize(), S.length());
        double peak1 = fmaPeak(one, seconds);
        double peakAll = fmaPeak(all, seconds);
        System.out.printf(Locale.ROOT, "FMA peak (independent %d-bit FMA chains): 1 thread %.1f GFLOP/s, %d threads %.1f"
                + " GFLOP/s (best of runs; measured again at the end)%n%n", S.vectorBitSize(), peak1, all.threads(),
                peakAll);
        List<String> rows = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (int[] s : SHAPES) {
            int m = s[0], k = s[1], n = s[2];
            for (Layout layout : Layout.values()) {
                Problem p = new Problem(layout, m, n, k);
                double naive = p.naiveGflops(seconds);
                double[] r1 = p.gemmGflops(one, seconds);
                double[] ra = p.gemmGflops(all, seconds);
                rows.add(String.format(Locale.ROOT, "%-6s %-18s", layout, m + "," + k + "," + n));
                values.add(new double[] {naive, r1[0], r1[1], ra[0], ra[1]});
            }
        }
        // Peak again after the GEMMs: on a shared machine a single early measurement can land in a busy moment.
        peak1 = Math.max(peak1, fmaPeak(one, seconds));
        peakAll = Math.max(peakAll, fmaPeak(all, seconds));
        System.out.printf(Locale.ROOT, "FMA peak, best of start and end: 1 thread %.1f GFLOP/s, %d threads %.1f GFLOP/s%n",
                peak1, all.threads(), peakAll);
        System.out.printf(Locale.ROOT, "%-6s %-18s %9s | %16s %7s %6s | %16s %7s %6s%n", "layout", "M,K,N", "ikj 1T",
                "1 thread best/med", "x ikj", "%peak", all.threads() + " threads best/med", "x ikj", "%peak");
        for (int i = 0; i < rows.size(); i++) {
            double[] v = values.get(i);
            System.out.printf(Locale.ROOT, "%s %9.2f | %7.1f / %6.1f %7.1f %5.0f%% | %7.1f / %6.1f %7.1f %5.0f%%%n",
                    rows.get(i), v[0], v[1], v[2], v[1] / v[0], 100 * v[1] / peak1, v[3], v[4], v[3] / v[0],
                    100 * v[3] / peakAll);
        }
        one.close();
    }

    private static void quick(Parallel one, double seconds) {
        Problem p = new Problem(Layout.ABT, 1024, 512, 512);
        StringBuilder sb = new StringBuilder("quick ABT 1024,512,512 1T GFLOP/s, every 10th call:");
        List<Double> rates = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            rates.add(p.flops / p.timeOnce(one) / 1e9);
            if (rates.size() % 10 == 1) {
                sb.append(String.format(Locale.ROOT, " %.1f", rates.get(rates.size() - 1)));
            }
        }
        System.out.println(sb);
        // Second half only: the first calls include interpretation and compilation.
        List<Double> late = new ArrayList<>(rates.subList(rates.size() / 2, rates.size()));
        late.sort(null);
        System.out.printf(Locale.ROOT, "quick second half: median %.1f, min %.1f, max %.1f GFLOP/s (%d calls total)%n",
                late.get(late.size() / 2), late.get(0), late.get(late.size() - 1), rates.size());
    }

    /** Independent FMA chains per participant: 12 accumulators cover FMA latency x throughput on AVX2 and AVX-512. */
    static double fmaPeak(Parallel par, double seconds) {
        int iters = 1_000_000;
        double best = 0;
        long end = System.nanoTime() + (long) (seconds * 4e9);
        float[] sink = new float[par.threads() * S.length()];
        int runs = 0;
        while (runs < 20 || System.nanoTime() < end) {
            long t0 = System.nanoTime();
            par.parallelFor(par.threads(), (from, to) -> {
                for (int t = from; t < to; t++) {
                    fmaChains(iters, sink, t * S.length());
                }
            });
            double sec = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, 2.0 * 12 * S.length() * iters * par.threads() / sec / 1e9);
            runs++;
        }
        return best;
    }

    private static void fmaChains(int iters, float[] sink, int at) {
        FloatVector x = FloatVector.broadcast(S, 0.999999f);
        FloatVector y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < iters; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .intoArray(sink, at);
    }

    private static final class Problem {
        final Layout layout;
        final int m, n, k;
        final float[] a, b, c;
        final double flops;

        Problem(Layout layout, int m, int n, int k) {
            this.layout = layout;
            this.m = m;
            this.n = n;
            this.k = k;
            SplittableRandom r = new SplittableRandom(1);
            a = new float[m * k];
            b = new float[k * n];
            c = new float[m * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextDouble(-1, 1);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) r.nextDouble(-1, 1);
            }
            flops = 2.0 * m * n * k;
        }

        double timeOnce(Parallel par) {
            int lda = layout == Layout.ATB ? m : k;
            int ldb = layout == Layout.ABT ? k : n;
            long t0 = System.nanoTime();
            Gemm.multiply(layout, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false, par);
            return (System.nanoTime() - t0) / 1e9;
        }

        /** {best, median} GFLOP/s per call. */
        double[] gemmGflops(Parallel par, double seconds) {
            timeOnce(par);
            List<Double> rates = new ArrayList<>();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (rates.size() < 3 || System.nanoTime() < end) {
                rates.add(flops / timeOnce(par) / 1e9);
            }
            rates.sort(null);
            return new double[] {rates.get(rates.size() - 1), rates.get(rates.size() / 2)};
        }

        /** Best GFLOP/s of a plain i-k-j loop (same layout indexing) over the first 64 rows of M. */
        double naiveGflops(double seconds) {
            int rows = Math.min(m, 64);
            double best = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            int runs = 0;
            while (runs < 3 || System.nanoTime() < end) {
                long t0 = System.nanoTime();
                naive(rows);
                best = Math.max(best, 2.0 * rows * n * k / ((System.nanoTime() - t0) / 1e9) / 1e9);
                runs++;
            }
            return best;
        }

        private void naive(int rows) {
            for (int i = 0; i < rows; i++) {
                int cr = i * n;
                Arrays.fill(c, cr, cr + n, 0f);
                for (int p = 0; p < k; p++) {
                    float av = layout == Layout.ATB ? a[p * m + i] : a[i * k + p];
                    if (layout == Layout.ABT) {
                        for (int j = 0; j < n; j++) {
                            c[cr + j] += av * b[j * k + p];
                        }
                    } else {
                        int br = p * n;
                        for (int j = 0; j < n; j++) {
                            c[cr + j] += av * b[br + j];
                        }
                    }
                }
            }
        }
    }
}
