package dev.distillery.trainers.kernels;

import static dev.distillery.trainers.kernels.GemmKernels.NR;

import java.util.Objects;

/**
 * Single-precision matrix multiplication for the trainer, in pure Java on the Vector API. All matrices are row-major
 * {@code float[]} slices given as (array, offset, leading dimension); the three layouts a trainer needs:
 * <ul>
 *   <li>{@link #abt}: C[M,N] (+)= A[M,K] · B[N,K]ᵀ — forward {@code x·Wᵀ} with HF [out,in] weights;</li>
 *   <li>{@link #ab}: C[M,N] (+)= A[M,K] · B[K,N] — input gradient {@code dy·W};</li>
 *   <li>{@link #atb}: C[M,N] (+)= A[K,M]ᵀ · B[K,N] — weight gradient {@code dyᵀ·x}.</li>
 * </ul>
 * With {@code accumulate} the product is added to C, otherwise C is overwritten (its old contents, NaN included, are
 * never read).
 *
 * <pre>{@code Gemm.abt(tokens, out, in, x, 0, in, w, 0, in, y, 0, out, false);   // y = x·Wᵀ}</pre>
 *
 * <h2>Structure</h2>
 * GotoBLAS/BLIS blocking: N in blocks of {@value #NC}, K in blocks of at most {@value #KC}, M in blocks of
 * {@link #mc}; a K×N block of B is packed into strips {@code NR = 2·VL} columns wide (one strip, {@code KC·NR}
 * floats = 16 KiB on AVX2, stays in L1), an M×K block of A into strips of {@code MR} rows (streamed from L2), and a
 * register-blocked MR×NR micro-kernel runs over them. The layouts share the kernel; only packing differs.
 * MR is 4 on AVX2 (8 accumulators: the largest tile C2 compiles without spilling in 16 ymm registers) and 12 on
 * AVX-512 (24 accumulators of 32 zmm registers); see {@link GemmKernels}. Problems with very few rows (up to 2 for
 * AB and ATB, up to 11 for ABT; see {@link #smallRows}) take an unpacked vectorised path, split along N, because
 * there packing B costs as much as the product.
 *
 * <h2>Threads</h2>
 * Large problems are cut across {@link Parallel#shared()} along N when N ≥ M, else along M, in whole micro-tile
 * strips: splitting N makes every thread pack all of A, splitting M makes every thread pack all of B, so the split
 * axis is the one whose other operand is smaller. Each element is computed by the same instruction sequence whatever
 * the split, so results are bit-identical for any thread count. Packing buffers are per thread (thread-local), grow
 * to the largest block seen (at most KC·NC + 144·KC floats, about 4.1 MiB per thread) and are then reused, so steady
 * state allocates nothing large. A call from inside a {@link Parallel} body runs on its own thread only.
 *
 * <h2>JIT: required flags</h2>
 * Only C2 intrinsifies the Vector API. On AVX-512 machines C1 gives up on the large micro-kernel, and in about one JVM
 * in six the kernel then stays un-intrinsified at 1-2 GFLOP/s instead of ~150 for the life of the process. Run every
 * JVM that uses this class with the directives file shipped next to this class (resource
 * {@code dev/distillery/trainers/kernels/jit-directives.json}, same content at {@code trainers/jit-directives.json}),
 * which excludes {@link GemmKernels}, and only it, from C1:
 * <pre>{@code --add-modules=jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions
 * -XX:CompilerDirectivesFile=trainers/jit-directives.json}</pre>
 * On the AVX2 development machine the failure did not reproduce (20 fresh JVMs without the flags, 8 with) and
 * the flags cost nothing measurable. Details and how to check a machine: {@code JIT.md} in this package.
 */
public final class Gemm {

    /** Which operand is stored transposed. */
    public enum Layout {
        /** C = A[M,K] · B[K,N]. */
        AB,
        /** C = A[M,K] · B[N,K]ᵀ. */
        ABT,
        /** C = A[K,M]ᵀ · B[K,N]. */
        ATB
    }

    /** N block: a multiple of every NR; bounds the packed-B buffer at KC·NC floats (4 MiB). */
    static final int NC = 4096;
    /** K block: one B strip (KC·NR floats) must stay in L1 while all A strips of an M block stream past it. */
    static final int KC = 256;
    /**
     * Fewer rows than this take the unpacked path. The choice is by rows, not by total work: packing B costs K·N
     * moves whatever M is, so its share of the time is about 1/M, while for all but the tiniest M the register
     * blocking pays even on 4x16x16 problems. Measured on AVX2 (GFLOP/s, unpacked vs blocked): AB and ATB lose
     * unpacked from 3 rows on (8x64x172: 17.5 vs 34.1); ABT, whose B packing is a transpose, wins unpacked up to
     * about 8-12 rows (2x512x512: 29.8 vs 5.5; 8x512x512: 33.7 vs 19.7; 16x512x512: 30.4 vs 31.3).
     */
    static int smallRows(Layout layout, int mr) {
        return layout == Layout.ABT ? Math.max(12, mr) : Math.max(3, mr / 2);
    }

    /** Below this many multiply-adds a problem runs on the calling thread only (a fork costs a few µs). */
    static final long PARALLEL_WORK = 1L << 18;

    /** Micro-tile rows for the current hardware: see the class comment. */
    static final int DEFAULT_MR = GemmKernels.VL >= 16 ? 12 : 4;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private Gemm() {
    }

    /** C[M,N] (+)= A[M,K] · B[N,K]ᵀ on {@link Parallel#shared()}. */
    public static void abt(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        multiply(Layout.ABT, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, Parallel.shared());
    }

    /** C[M,N] (+)= A[M,K] · B[K,N] on {@link Parallel#shared()}. */
    public static void ab(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc, boolean accumulate) {
        multiply(Layout.AB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, Parallel.shared());
    }

    /** C[M,N] (+)= A[K,M]ᵀ · B[K,N] on {@link Parallel#shared()}. */
    public static void atb(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        multiply(Layout.ATB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, Parallel.shared());
    }

    /**
     * The general entry point. Leading dimensions are row strides in floats: A is [M,K] ({@code lda ≥ K}) for AB and
     * ABT and [K,M] ({@code lda ≥ M}) for ATB; B is [K,N] ({@code ldb ≥ N}) for AB and ATB and [N,K]
     * ({@code ldb ≥ K}) for ABT; C is [M,N] ({@code ldc ≥ N}). {@code parallel} may be {@code null} for the calling
     * thread only. C must not overlap A or B.
     *
     * @throws IllegalArgumentException on negative sizes or leading dimensions narrower than the row
     * @throws IndexOutOfBoundsException when a slice does not fit its array (checked before anything is written)
     */
    public static void multiply(Layout layout, int m, int n, int k, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate,
                                Parallel parallel) {
        multiply(layout, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, parallel, DEFAULT_MR, AUTO);
    }

    /** Path choices for tests and benchmarks: by shape, always packed, always unpacked. */
    static final int AUTO = 0, BLOCKED = 1, SMALL = 2;

    /** Package-private: {@code mr} picks the micro-kernel (4 or 12), {@code path} overrides the path choice. */
    static void multiply(Layout layout, int m, int n, int k, float[] a, int aOff, int lda,
                         float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate,
                         Parallel parallel, int mr, int path) {
        Objects.requireNonNull(layout, "layout");
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative size: m=" + m + " n=" + n + " k=" + k);
        }
        if (mr != 4 && mr != 12) {
            throw new IllegalArgumentException("mr must be 4 or 12: " + mr);
        }
        boolean aT = layout == Layout.ATB;
        boolean bT = layout == Layout.ABT;
        checkSlice("A", a, aOff, aT ? k : m, aT ? m : k, lda);
        checkSlice("B", b, bOff, bT ? n : k, bT ? k : n, ldb);
        checkSlice("C", c, cOff, m, n, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        long work = (long) m * n * k;
        int threads = parallel == null || work < PARALLEL_WORK ? 1 : parallel.threads();

        if (path == SMALL || (path == AUTO && m < smallRows(layout, mr))) {
            // Split along N (M is small here): columns are independent and each is computed by the same sequence
            // of operations whatever the chunk, so any split gives the same bits. Chunks are whole vectors wide.
            int units = (n + 2 * GemmKernels.VL - 1) / (2 * GemmKernels.VL);
            Parallel.Range cols = (u0, u1) -> {
                int j0 = u0 * 2 * GemmKernels.VL;
                int j1 = Math.min(n, u1 * 2 * GemmKernels.VL);
                if (bT) {
                    GemmKernels.smallDot(m, j0, j1, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                } else {
                    GemmKernels.smallAxpy(m, j0, j1, k, a, aOff, lda, aT, b, bOff, ldb, c, cOff, ldc, accumulate);
                }
            };
            if (threads == 1) {
                cols.run(0, units);
            } else {
                parallel.parallelFor(units, cols);
            }
            return;
        }

        if (threads == 1) {
            blocked(aT, bT, 0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, mr);
        } else if (n >= m) {
            // Split N in whole NR strips: every thread packs all of A (the smaller operand here).
            int strips = (n + NR - 1) / NR;
            parallel.parallelFor(strips, (s0, s1) -> blocked(aT, bT, 0, m, s0 * NR, Math.min(n, s1 * NR), k,
                    a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, mr));
        } else {
            int strips = (m + mr - 1) / mr;
            parallel.parallelFor(strips, (s0, s1) -> blocked(aT, bT, s0 * mr, Math.min(m, s1 * mr), 0, n, k,
                    a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, mr));
        }
    }

    /** M block for a micro-tile height: an A block of mc·KC floats (~144 KiB) sits in L2 next to the B panel. */
    static int mc(int mr) {
        return 144; // a multiple of both 4 and 12
    }

    /** The single-threaded blocked algorithm on rows [i0, i1) and columns [j0, j1) of C. */
    private static void blocked(boolean aT, boolean bT, int i0, int i1, int j0, int j1, int k,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate, int mr) {
        // Equal K blocks (e.g. 300 -> 150+150, not 256+44) so no block runs a short, overhead-dominated kernel.
        int kBlocks = (k + KC - 1) / KC;
        int kcMax = (k + kBlocks - 1) / kBlocks;
        int mcMax = Math.min(mc(mr), roundUp(i1 - i0, mr));
        int ncMax = Math.min(NC, roundUp(j1 - j0, NR));
        Workspace ws = WORKSPACE.get();
        float[] ap = ws.a(mcMax * kcMax);
        float[] bp = ws.b(ncMax * kcMax);
        float[] tile = ws.tile;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                boolean add = accumulate || pc > 0;
                GemmKernels.packB(b, bOff, ldb, bT, jc, nc, pc, kc, bp);
                for (int ic = i0; ic < i1; ic += mcMax) {
                    int mc = Math.min(mcMax, i1 - ic);
                    GemmKernels.packA(a, aOff, lda, aT, ic, mc, pc, kc, mr, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bi = jr * kc; // (jr / NR) strips of kc·NR floats
                        for (int ir = 0; ir < mc; ir += mr) {
                            int rows = Math.min(mr, mc - ir);
                            int ai = ir * kc;
                            int ci = cOff + (ic + ir) * ldc + jc + jr;
                            if (rows == mr && nr == NR) {
                                kernel(mr, kc, ap, ai, bp, bi, c, ci, ldc, add);
                            } else {
                                // Edge tile: the kernel computes the full zero-padded tile into a scratch tile and
                                // only the valid corner is merged, with the same single add or store per element.
                                kernel(mr, kc, ap, ai, bp, bi, tile, 0, NR, false);
                                GemmKernels.mergeTile(tile, rows, nr, c, ci, ldc, add);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void kernel(int mr, int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc,
                               boolean add) {
        if (mr == 12) {
            GemmKernels.kernel12(kc, ap, ai, bp, bi, c, ci, ldc, add);
        } else {
            GemmKernels.kernel4(kc, ap, ai, bp, bi, c, ci, ldc, add);
        }
    }

    private static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    private static void checkSlice(String name, float[] arr, int off, int rows, int cols, int ld) {
        Objects.requireNonNull(arr, name);
        if (ld < cols || ld < 1) {
            throw new IllegalArgumentException(name + ": leading dimension " + ld + " < row width " + cols);
        }
        if (off < 0) {
            throw new IndexOutOfBoundsException(name + ": negative offset " + off);
        }
        if (rows > 0 && cols > 0) {
            long last = off + (long) (rows - 1) * ld + cols;
            if (last > arr.length) {
                throw new IndexOutOfBoundsException(name + ": slice [" + rows + "x" + cols + ", ld " + ld
                        + "] at offset " + off + " needs " + last + " floats, array has " + arr.length);
            }
        }
    }

    /** Per-thread packing buffers; they grow to the largest block seen and are then reused for every call. */
    private static final class Workspace {
        private float[] a = new float[0];
        private float[] b = new float[0];
        final float[] tile = new float[12 * NR];

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }
    }
}
