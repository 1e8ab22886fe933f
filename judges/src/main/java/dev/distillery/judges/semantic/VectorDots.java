package dev.distillery.judges.semantic;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API version of {@link KeptVectors}'s group kernel, used only when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (Distillery's launch scripts and tests do this; without it the plain
 * Java kernel runs). C2 does not vectorise the plain kernel's four accumulator arrays reliably, and a float dot
 * product written as a reduction is never vectorised, because it would reorder additions; here the reordering is
 * explicit.
 *
 * <p>Register tile: 4 candidates × 2 vectors of kept columns = 8 accumulators, 2 loads and 4 broadcasts per
 * dimension, which fits the 16 registers of AVX2.
 */
final class VectorDots {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorDots() {
    }

    static boolean fits(int block) {
        return block % (2 * L) == 0;
    }

    /** Same contract as the plain kernel: best dot product and its kept position for candidates [start, end). */
    static void scoreGroup(float[][] blocks, int count, int dim, int block, float[] c0, float[] c1, float[] c2,
                           float[] c3, float[] best4, int[] arg4) {
        float[] tmp = new float[2 * L];
        int nBlocks = (count + block - 1) / block;
        for (int b = 0; b < nBlocks; b++) {
            float[] blk = blocks[b];
            int valid = Math.min(block, count - b * block);
            for (int j0 = 0; j0 < valid; j0 += 2 * L) {
                FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00,
                        a30 = a00, a31 = a00;
                for (int k = 0, off = j0; k < dim; k++, off += block) {
                    FloatVector v0 = FloatVector.fromArray(S, blk, off);
                    FloatVector v1 = FloatVector.fromArray(S, blk, off + L);
                    FloatVector x = FloatVector.broadcast(S, c0[k]);
                    a00 = x.fma(v0, a00);
                    a01 = x.fma(v1, a01);
                    x = FloatVector.broadcast(S, c1[k]);
                    a10 = x.fma(v0, a10);
                    a11 = x.fma(v1, a11);
                    x = FloatVector.broadcast(S, c2[k]);
                    a20 = x.fma(v0, a20);
                    a21 = x.fma(v1, a21);
                    x = FloatVector.broadcast(S, c3[k]);
                    a30 = x.fma(v0, a30);
                    a31 = x.fma(v1, a31);
                }
                int n = Math.min(2 * L, valid - j0);
                int base = b * block + j0;
                update(a00, a01, tmp, n, base, best4, arg4, 0);
                update(a10, a11, tmp, n, base, best4, arg4, 1);
                update(a20, a21, tmp, n, base, best4, arg4, 2);
                update(a30, a31, tmp, n, base, best4, arg4, 3);
            }
        }
    }

    private static void update(FloatVector lo, FloatVector hi, float[] tmp, int n, int base, float[] best, int[] arg,
                               int row) {
        lo.intoArray(tmp, 0);
        hi.intoArray(tmp, L);
        float b = best[row];
        int a = arg[row];
        // Strict '>' in ascending order keeps the earliest kept vector among equals, as the plain kernel does.
        for (int j = 0; j < n; j++) {
            if (tmp[j] > b) {
                b = tmp[j];
                a = base + j;
            }
        }
        best[row] = b;
        arg[row] = a;
    }
}
