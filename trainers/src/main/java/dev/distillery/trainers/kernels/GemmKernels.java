package dev.distillery.trainers.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The hot code of {@link Gemm}: micro-kernels, packing, and the unpacked small-problem path. Kept in one class of its
 * own so that a single compiler-directives pattern ({@code dev/distillery/trainers/kernels/GemmKernels.*}) excludes
 * exactly these methods from C1; see {@code JIT.md} next to this class for why that is needed.
 *
 * <p>Packed formats. An A strip holds {@code MR} rows of A for a K block, k-major: element (r, p) at
 * {@code p * MR + r}, so the kernel broadcasts {@code MR} consecutive floats per k step. A B strip holds
 * {@code NR = 2 * VL} columns, k-major: element (p, c) at {@code p * NR + c}, so the kernel loads two full vectors
 * per k step. Strips at the M and N edges are zero-padded, which lets the kernel always compute a full tile.
 */
final class GemmKernels {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    /** Columns per micro-tile: two vectors. */
    static final int NR = 2 * VL;

    private GemmKernels() {
    }

    // ---------------------------------------------------------------- micro-kernels

    /**
     * 4 x 2VL tile for AVX2: 8 vector accumulators + 2 B vectors + 4 broadcasts = 14 of the 16 ymm registers, and 8
     * independent FMA chains = FMA latency (4) x FMA ports (2) on current x86. The classic 6 x 2VL AVX2 shape
     * (12 accumulators) does not work from Java: C2 hoists all six broadcasts of a k step ahead of the FMAs, needs
     * 20 registers and spills four accumulators to the stack every step; measured 28 GFLOP/s for 6 x 2VL against
     * 83 for this kernel on the same core (single thread, L1-resident panels, Zen-class EPYC with AVX2).
     *
     * <p>Writes {@code C = acc} or {@code C += acc} for the full tile at {@code c[ci + r * ldc + j]}.
     */
    static void kernel4(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int b = bi + p * (2 * VL);
            int a = ai + p * 4;
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + VL);
            FloatVector x;
            x = FloatVector.broadcast(S, ap[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[a + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[a + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[a + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        store(c, ci, c00, c01, add);
        store(c, ci + ldc, c10, c11, add);
        store(c, ci + 2 * ldc, c20, c21, add);
        store(c, ci + 3 * ldc, c30, c31, add);
    }

    /**
     * 12 x 2VL tile for AVX-512: 24 accumulators + 2 B vectors + 1 broadcast of the 32 zmm registers. Unrolled by two
     * k steps, which measured 143-157 GFLOP/s on a Sapphire-Rapids-class core (see java-gemm-notes.md); on AVX2 this
     * shape would spill, so {@link Gemm} uses it only when vectors are 16 floats or wider. Not measured in this
     * repository (the development machine has AVX2 only); if C2 hoists the broadcasts here as it does on AVX2, 12
     * broadcasts + 24 accumulators exceed 32 registers, so measure before trusting it on a new CPU.
     */
    static void kernel12(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector ca0 = FloatVector.zero(S), ca1 = FloatVector.zero(S);
        FloatVector cb0 = FloatVector.zero(S), cb1 = FloatVector.zero(S);
        int p = 0;
        int a = ai;
        int b = bi;
        for (; p + 1 < kc; p += 2, a += 24, b += 4 * VL) {
            for (int u = 0; u < 2; u++) {
                int au = a + u * 12;
                int bu = b + u * 2 * VL;
                FloatVector b0 = FloatVector.fromArray(S, bp, bu);
                FloatVector b1 = FloatVector.fromArray(S, bp, bu + VL);
                FloatVector x;
                x = FloatVector.broadcast(S, ap[au]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, ap[au + 1]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, ap[au + 2]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, ap[au + 3]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(S, ap[au + 4]);
                c40 = x.fma(b0, c40);
                c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(S, ap[au + 5]);
                c50 = x.fma(b0, c50);
                c51 = x.fma(b1, c51);
                x = FloatVector.broadcast(S, ap[au + 6]);
                c60 = x.fma(b0, c60);
                c61 = x.fma(b1, c61);
                x = FloatVector.broadcast(S, ap[au + 7]);
                c70 = x.fma(b0, c70);
                c71 = x.fma(b1, c71);
                x = FloatVector.broadcast(S, ap[au + 8]);
                c80 = x.fma(b0, c80);
                c81 = x.fma(b1, c81);
                x = FloatVector.broadcast(S, ap[au + 9]);
                c90 = x.fma(b0, c90);
                c91 = x.fma(b1, c91);
                x = FloatVector.broadcast(S, ap[au + 10]);
                ca0 = x.fma(b0, ca0);
                ca1 = x.fma(b1, ca1);
                x = FloatVector.broadcast(S, ap[au + 11]);
                cb0 = x.fma(b0, cb0);
                cb1 = x.fma(b1, cb1);
            }
        }
        if (p < kc) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + VL);
            FloatVector x;
            x = FloatVector.broadcast(S, ap[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[a + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[a + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[a + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[a + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[a + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, ap[a + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[a + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, ap[a + 8]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, ap[a + 9]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(S, ap[a + 10]);
            ca0 = x.fma(b0, ca0);
            ca1 = x.fma(b1, ca1);
            x = FloatVector.broadcast(S, ap[a + 11]);
            cb0 = x.fma(b0, cb0);
            cb1 = x.fma(b1, cb1);
        }
        store(c, ci, c00, c01, add);
        store(c, ci + ldc, c10, c11, add);
        store(c, ci + 2 * ldc, c20, c21, add);
        store(c, ci + 3 * ldc, c30, c31, add);
        store(c, ci + 4 * ldc, c40, c41, add);
        store(c, ci + 5 * ldc, c50, c51, add);
        store(c, ci + 6 * ldc, c60, c61, add);
        store(c, ci + 7 * ldc, c70, c71, add);
        store(c, ci + 8 * ldc, c80, c81, add);
        store(c, ci + 9 * ldc, c90, c91, add);
        store(c, ci + 10 * ldc, ca0, ca1, add);
        store(c, ci + 11 * ldc, cb0, cb1, add);
    }

    private static void store(float[] c, int i, FloatVector v0, FloatVector v1, boolean add) {
        if (add) {
            v0 = v0.add(FloatVector.fromArray(S, c, i));
            v1 = v1.add(FloatVector.fromArray(S, c, i + VL));
        }
        v0.intoArray(c, i);
        v1.intoArray(c, i + VL);
    }

    /** Copies the valid {@code mr x nr} corner of a full tile (row stride NR) into C, adding or overwriting. */
    static void mergeTile(float[] tile, int mr, int nr, float[] c, int ci, int ldc, boolean add) {
        for (int r = 0; r < mr; r++) {
            int t = r * NR;
            int o = ci + r * ldc;
            if (add) {
                for (int j = 0; j < nr; j++) {
                    c[o + j] += tile[t + j];
                }
            } else {
                System.arraycopy(tile, t, c, o, nr);
            }
        }
    }

    // ---------------------------------------------------------------- packing

    /**
     * Packs rows {@code [i0, i0 + mc)} x k {@code [p0, p0 + kc)} of A into {@code ceil(mc / mr)} strips.
     * {@code transposed == false}: A is [M,K] row-major, element (i,k) at {@code off + i * ld + k} (layouts ab, abt);
     * each row is read contiguously and scattered with stride mr.
     * {@code transposed == true}: A is stored [K,M], element (i,k) at {@code off + k * ld + i} (layout atb); each k
     * step is a contiguous copy of mr floats.
     */
    static void packA(float[] a, int off, int ld, boolean transposed, int i0, int mc, int p0, int kc, int mr,
                      float[] dst) {
        int strips = (mc + mr - 1) / mr;
        for (int s = 0; s < strips; s++) {
            int base = s * kc * mr;
            int rows = Math.min(mr, mc - s * mr);
            int i = i0 + s * mr;
            if (!transposed) {
                for (int r = 0; r < rows; r++) {
                    int src = off + (i + r) * ld + p0;
                    int d = base + r;
                    for (int p = 0; p < kc; p++, d += mr) {
                        dst[d] = a[src + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, off + (p0 + p) * ld + i, dst, base + p * mr, rows);
                }
            }
            if (rows < mr) {
                for (int p = 0; p < kc; p++) {
                    for (int r = rows; r < mr; r++) {
                        dst[base + p * mr + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs columns {@code [j0, j0 + nc)} x k {@code [p0, p0 + kc)} of B into {@code ceil(nc / NR)} strips.
     * {@code transposed == false}: B is [K,N], element (k,j) at {@code off + k * ld + j} (layouts ab, atb): vector
     * copies. {@code transposed == true}: B is stored [N,K], element (k,j) at {@code off + j * ld + k} (layout abt,
     * HF [out,in] weights): each B row is read contiguously and scattered with stride NR.
     */
    static void packB(float[] b, int off, int ld, boolean transposed, int j0, int nc, int p0, int kc, float[] dst) {
        int strips = (nc + NR - 1) / NR;
        for (int s = 0; s < strips; s++) {
            int base = s * kc * NR;
            int cols = Math.min(NR, nc - s * NR);
            int j = j0 + s * NR;
            if (!transposed) {
                if (cols == NR) {
                    for (int p = 0; p < kc; p++) {
                        int src = off + (p0 + p) * ld + j;
                        int d = base + p * NR;
                        FloatVector.fromArray(S, b, src).intoArray(dst, d);
                        FloatVector.fromArray(S, b, src + VL).intoArray(dst, d + VL);
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        System.arraycopy(b, off + (p0 + p) * ld + j, dst, base + p * NR, cols);
                    }
                }
            } else {
                for (int col = 0; col < cols; col++) {
                    int src = off + (j + col) * ld + p0;
                    int d = base + col;
                    for (int p = 0; p < kc; p++, d += NR) {
                        dst[d] = b[src + p];
                    }
                }
            }
            if (cols < NR) {
                for (int p = 0; p < kc; p++) {
                    int d = base + p * NR;
                    for (int col = cols; col < NR; col++) {
                        dst[d + col] = 0f;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- small problems (no packing)

    /**
     * Columns {@code [j0, j1)} of C (+)= A·B (ab, {@code aT == false}) or Aᵀ·B (atb, {@code aT == true}) as row
     * updates C[i,j0:j1] += A(i,k) · B[k,j0:j1], vectorised over j. Store-bound (a third of the blocked kernel's
     * speed), so only used for one or two rows, where packing B would cost as much as the product.
     */
    static void smallAxpy(int m, int j0, int j1, int k, float[] a, int aOff, int lda, boolean aT,
                          float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        int n = j1;
        int nv = j0 + (j1 - j0) / VL * VL;
        for (int i = 0; i < m; i++) {
            int cr = cOff + i * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, cr + j0, cr + j1, 0f);
            }
            for (int p = 0; p < k; p++) {
                float av = aT ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                int br = bOff + p * ldb;
                FloatVector x = FloatVector.broadcast(S, av);
                int j = j0;
                for (; j < nv; j += VL) {
                    x.fma(FloatVector.fromArray(S, b, br + j), FloatVector.fromArray(S, c, cr + j))
                            .intoArray(c, cr + j);
                }
                for (; j < n; j++) {
                    c[cr + j] = Math.fma(av, b[br + j], c[cr + j]);
                }
            }
        }
    }

    /**
     * Columns {@code [j0, j1)} of C (+)= A·Bᵀ as dot products of A rows with B rows, four B rows at a time so four
     * independent FMA chains hide the FMA latency. Reads B once, unpacked: for few rows of A this beats transposing
     * B into packed strips, which costs about as much as the product itself.
     */
    static void smallDot(int m, int j0, int j1, int k, float[] a, int aOff, int lda,
                         float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        int n = j1;
        int kv = k - k % VL;
        for (int i = 0; i < m; i++) {
            int ar = aOff + i * lda;
            int cr = cOff + i * ldc;
            int j = j0;
            for (; j + 3 < n; j += 4) {
                int b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
                FloatVector s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
                int p = 0;
                for (; p < kv; p += VL) {
                    FloatVector x = FloatVector.fromArray(S, a, ar + p);
                    s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
                    s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
                    s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
                    s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
                }
                float d0 = sum(s0), d1 = sum(s1), d2 = sum(s2), d3 = sum(s3);
                for (; p < k; p++) {
                    float x = a[ar + p];
                    d0 = Math.fma(x, b[b0 + p], d0);
                    d1 = Math.fma(x, b[b1 + p], d1);
                    d2 = Math.fma(x, b[b2 + p], d2);
                    d3 = Math.fma(x, b[b3 + p], d3);
                }
                if (accumulate) {
                    c[cr + j] += d0;
                    c[cr + j + 1] += d1;
                    c[cr + j + 2] += d2;
                    c[cr + j + 3] += d3;
                } else {
                    c[cr + j] = d0;
                    c[cr + j + 1] = d1;
                    c[cr + j + 2] = d2;
                    c[cr + j + 3] = d3;
                }
            }
            for (; j < n; j++) {
                int br = bOff + j * ldb;
                FloatVector s = FloatVector.zero(S);
                int p = 0;
                for (; p < kv; p += VL) {
                    s = FloatVector.fromArray(S, a, ar + p).fma(FloatVector.fromArray(S, b, br + p), s);
                }
                float d = sum(s);
                for (; p < k; p++) {
                    d = Math.fma(a[ar + p], b[br + p], d);
                }
                c[cr + j] = accumulate ? c[cr + j] + d : d;
            }
        }
    }

    /**
     * Sum of the lanes in lane order. Not {@code reduceLanes(ADD)}: its float order is unspecified and differs
     * between the C2 intrinsic and the Java fallback that runs before C2 compiles, so the same call could give
     * different bits early and late in a run (seen in this test suite).
     */
    private static float sum(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < VL; i++) {
            s += v.lane(i);
        }
        return s;
    }
}
