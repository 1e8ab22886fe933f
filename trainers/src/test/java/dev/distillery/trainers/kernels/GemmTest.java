package dev.distillery.trainers.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distillery.trainers.kernels.Gemm.Layout;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every layout against a float64 reference. Error measure: max|C - C_ref| / max|C_ref|, bound 1e-5; the largest value
 * seen is printed at the end of the class.
 */
class GemmTest {

    private static final int[] SIZES = {1, 2, 3, 5, 7, 12, 13, 17, 31, 32, 33, 64, 100, 172, 300};
    private static final double TOL = 1e-5;
    private static final Parallel TWO = new Parallel(2);
    private static final Parallel THREE = new Parallel(3);
    private static double maxErrSeen;

    @AfterAll
    static void report() {
        System.out.printf(Locale.ROOT, "GemmTest: max relative error seen %.3g (bound %.0e), species %d floats%n",
                maxErrSeen, TOL, GemmKernels.VL);
        TWO.close();
        THREE.close();
    }

    /** A fixed random sample of (m, n, k) from SIZES³ plus the corners; small enough to run in seconds. */
    static Stream<Arguments> shapes() {
        SplittableRandom r = new SplittableRandom(42);
        List<Arguments> out = new ArrayList<>();
        for (Layout layout : Layout.values()) {
            out.add(Arguments.of(layout, 1, 1, 1));
            out.add(Arguments.of(layout, 300, 300, 300));
            out.add(Arguments.of(layout, 172, 3, 300));
            out.add(Arguments.of(layout, 3, 172, 300));
            for (int t = 0; t < 40; t++) {
                out.add(Arguments.of(layout, SIZES[r.nextInt(SIZES.length)], SIZES[r.nextInt(SIZES.length)],
                        SIZES[r.nextInt(SIZES.length)]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} m={1} n={2} k={3}")
    @MethodSource("shapes")
    void matchesReference(Layout layout, int m, int n, int k) {
        SplittableRandom r = new SplittableRandom(m * 1_000_003L + n * 1009L + k);
        // Offsets and leading dimensions wider than the rows, so indexing mistakes read or write the padding.
        Operands o = Operands.random(layout, m, n, k, 3 + r.nextInt(5), 1 + r.nextInt(9), r);
        double[] ref = o.reference(false);
        double[] refAcc = o.reference(true);
        for (int mr : new int[] {4, 12}) {
            for (int path : new int[] {Gemm.AUTO, Gemm.BLOCKED, Gemm.SMALL}) {
                for (Parallel p : new Parallel[] {null, TWO, THREE}) {
                    float[] c = o.c.clone();
                    o.run(c, false, p, mr, path);
                    check(o, c, ref, layout + " overwrite mr=" + mr + " path=" + path);
                    float[] ca = o.c.clone();
                    o.run(ca, true, p, mr, path);
                    check(o, ca, refAcc, layout + " accumulate mr=" + mr + " path=" + path);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void threadCountDoesNotChangeBits(Layout layout) {
        // Large enough for the parallel blocked path (work >= PARALLEL_WORK), both split directions.
        for (int[] s : new int[][] {{300, 172, 100}, {100, 300, 172}, {13, 1000, 33}, {1000, 13, 33},
            {1, 4000, 64}, {5, 999, 70}}) {
            SplittableRandom r = new SplittableRandom(7);
            Operands o = Operands.random(layout, s[0], s[1], s[2], 5, 3, r);
            for (int mr : new int[] {4, 12}) {
                for (int path : new int[] {Gemm.BLOCKED, Gemm.SMALL}) {
                    float[] serial = o.c.clone();
                    o.run(serial, true, null, mr, path);
                    for (Parallel p : new Parallel[] {TWO, THREE, Parallel.shared()}) {
                        float[] par = o.c.clone();
                        o.run(par, true, p, mr, path);
                        assertArrayEquals(serial, par, layout + " " + java.util.Arrays.toString(s) + " path=" + path
                                + " threads=" + p.threads());
                    }
                }
            }
        }
    }

    static Stream<Layout> layouts() {
        return Stream.of(Layout.values());
    }

    @Test
    void overwriteIgnoresNaNInC() {
        Operands o = Operands.random(Layout.AB, 20, 40, 30, 0, 0, new SplittableRandom(1));
        java.util.Arrays.fill(o.c, Float.NaN);
        float[] c = o.c.clone();
        o.run(c, false, null, Gemm.DEFAULT_MR, Gemm.BLOCKED);
        check(o, c, o.reference(false), "NaN overwrite");
    }

    @Test
    void publicEntryPointsAgreeWithMultiply() {
        SplittableRandom r = new SplittableRandom(3);
        for (Layout layout : Layout.values()) {
            Operands o = Operands.random(layout, 33, 64, 17, 2, 1, r);
            float[] viaMultiply = o.c.clone();
            Gemm.multiply(layout, o.m, o.n, o.k, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, viaMultiply, o.cOff, o.ldc,
                    true, Parallel.shared());
            float[] viaShortcut = o.c.clone();
            switch (layout) {
                case AB -> Gemm.ab(o.m, o.n, o.k, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, viaShortcut, o.cOff, o.ldc,
                        true);
                case ABT -> Gemm.abt(o.m, o.n, o.k, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, viaShortcut, o.cOff,
                        o.ldc, true);
                case ATB -> Gemm.atb(o.m, o.n, o.k, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, viaShortcut, o.cOff,
                        o.ldc, true);
            }
            assertArrayEquals(viaMultiply, viaShortcut);
        }
    }

    @Test
    void rejectsSlicesThatDoNotFit() {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[3];
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.ab(2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false));
        assertThrows(IllegalArgumentException.class, () -> Gemm.ab(2, 2, 3, a, 0, 2, b, 0, 2, new float[4], 0, 2,
                false));
        float[] untouched = {1, 2, 3};
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.abt(1, 2, 3, a, 4, 3, b, 0, 3, untouched, 0, 2,
                false));
        assertArrayEquals(new float[] {1, 2, 3}, untouched);
    }

    @Test
    void zeroKClearsOrKeeps() {
        float[] c = {1, 2, 3, 4};
        Gemm.ab(2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, true);
        assertArrayEquals(new float[] {1, 2, 3, 4}, c);
        Gemm.ab(2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, false);
        assertArrayEquals(new float[4], c);
    }

    private static void check(Operands o, float[] c, double[] ref, String what) {
        double maxRef = 0;
        for (int i = 0; i < o.m; i++) {
            for (int j = 0; j < o.n; j++) {
                maxRef = Math.max(maxRef, Math.abs(ref[i * o.n + j]));
            }
        }
        double maxErr = 0;
        for (int i = 0; i < o.m; i++) {
            for (int j = 0; j < o.n; j++) {
                maxErr = Math.max(maxErr, Math.abs(c[o.cOff + i * o.ldc + j] - ref[i * o.n + j]));
            }
        }
        double rel = maxErr / Math.max(maxRef, Double.MIN_NORMAL);
        synchronized (GemmTest.class) {
            maxErrSeen = Math.max(maxErrSeen, rel);
        }
        String shape = " m=" + o.m + " n=" + o.n + " k=" + o.k;
        assertTrue(rel <= TOL, what + shape + ": relative error " + rel);
        // Padding around C (before the offset, between rows, after the end) must be untouched.
        for (int idx = 0; idx < c.length; idx++) {
            int rel0 = idx - o.cOff;
            boolean inside = rel0 >= 0 && rel0 / o.ldc < o.m && rel0 % o.ldc < o.n;
            if (!inside) {
                assertEquals(o.c[idx], c[idx], what + shape + ": padding of C changed at " + idx);
            }
        }
    }

    /** Random operands with padding: A, B, C slices at offsets, with leading dimensions wider than rows. */
    record Operands(Layout layout, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc) {

        static Operands random(Layout layout, int m, int n, int k, int off, int pad, SplittableRandom r) {
            boolean aT = layout == Layout.ATB;
            boolean bT = layout == Layout.ABT;
            int aRows = aT ? k : m, aCols = aT ? m : k;
            int bRows = bT ? n : k, bCols = bT ? k : n;
            int lda = aCols + pad, ldb = bCols + pad + 1, ldc = n + pad;
            float[] a = fill(new float[off + aRows * lda + 2], r);
            float[] b = fill(new float[off + 1 + bRows * ldb + 3], r);
            float[] c = fill(new float[off + 2 + m * ldc + 1], r);
            return new Operands(layout, m, n, k, a, off, lda, b, off + 1, ldb, c, off + 2, ldc);
        }

        private static float[] fill(float[] x, SplittableRandom r) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextDouble() * 2 - 1);
            }
            return x;
        }

        double aAt(int i, int p) {
            return layout == Layout.ATB ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        double bAt(int p, int j) {
            return layout == Layout.ABT ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        double[] reference(boolean accumulate) {
            double[] ref = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = accumulate ? c[cOff + i * ldc + j] : 0;
                    for (int p = 0; p < k; p++) {
                        s += aAt(i, p) * bAt(p, j);
                    }
                    ref[i * n + j] = s;
                }
            }
            return ref;
        }

        void run(float[] out, boolean accumulate, Parallel p, int mr, int path) {
            Gemm.multiply(layout, m, n, k, a, aOff, lda, b, bOff, ldb, out, cOff, ldc, accumulate, p, mr, path);
        }
    }
}
