package dev.distillery.judges.semantic;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The unit vectors kept so far, stored for fast "most similar kept vector" queries by many candidates at once.
 *
 * <p>Vectors live in blocks of {@value #BLOCK}, each block dimension-major ({@code block[k * BLOCK + j]} = component
 * k of vector j). Four candidates are scored against a block together: the inner loop over j is a plain
 * multiply-add over contiguous floats, which the JIT vectorises, and each block value loaded is used four times.
 * A block is 384 × 64 × 4 B = 96 KiB for MiniLM, so it stays in L2 while a group of candidates passes over it.
 * Groups of candidates run in parallel on the common fork-join pool; the result does not depend on scheduling.
 */
final class KeptVectors {

    static final int BLOCK = 64;
    private static final int GROUP = 4;
    /** Whether the Vector API kernel can run: the incubator module must be in the boot layer. */
    static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && VectorDots.fits(BLOCK);
    /** Tests set this to check the plain kernel on a JVM that has the Vector API. */
    static volatile boolean plainKernelOnly;

    private final int dim;
    private float[][] blocks = new float[16][];
    private int count;

    KeptVectors(int dim) {
        this.dim = dim;
    }

    int size() {
        return count;
    }

    void add(float[] v) {
        int b = count / BLOCK, j = count % BLOCK;
        if (b == blocks.length) blocks = Arrays.copyOf(blocks, blocks.length * 2);
        if (blocks[b] == null) blocks[b] = new float[dim * BLOCK];
        float[] block = blocks[b];
        for (int k = 0; k < dim; k++) block[k * BLOCK + j] = v[k];
        count++;
    }

    /**
     * For each candidate {@code c[from..to)}: the highest dot product with any kept vector into
     * {@code best[i - from]} and that vector's position (in insertion order) into {@code arg[i - from]}; −∞ and −1
     * when nothing is kept.
     */
    void nearest(float[][] c, int from, int to, float[] best, int[] arg) {
        int groups = (to - from + GROUP - 1) / GROUP;
        IntStream range = IntStream.range(0, groups);
        // Parallel only when there is enough work to pay for the fork-join hand-off.
        if ((long) (to - from) * count * dim > 4_000_000L) range = range.parallel();
        range.forEach(g -> {
            int start = from + g * GROUP;
            scoreGroup(c, start, Math.min(to, start + GROUP), from, best, arg);
        });
    }

    private void scoreGroup(float[][] c, int start, int end, int from, float[] best, int[] arg) {
        float[] zero = new float[dim];
        float[] c0 = c[start];
        float[] c1 = start + 1 < end ? c[start + 1] : zero;
        float[] c2 = start + 2 < end ? c[start + 2] : zero;
        float[] c3 = start + 3 < end ? c[start + 3] : zero;
        if (VECTOR_API && !plainKernelOnly) {
            float[] best4 = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
                    Float.NEGATIVE_INFINITY};
            int[] arg4 = {-1, -1, -1, -1};
            VectorDots.scoreGroup(blocks, count, dim, BLOCK, c0, c1, c2, c3, best4, arg4);
            for (int i = start; i < end; i++) {
                best[i - from] = best4[i - start];
                arg[i - from] = arg4[i - start];
            }
            return;
        }
        float[] acc0 = new float[BLOCK], acc1 = new float[BLOCK], acc2 = new float[BLOCK], acc3 = new float[BLOCK];
        float b0 = Float.NEGATIVE_INFINITY, b1 = b0, b2 = b0, b3 = b0;
        int a0 = -1, a1 = -1, a2 = -1, a3 = -1;
        int fullBlocks = (count + BLOCK - 1) / BLOCK;
        for (int b = 0; b < fullBlocks; b++) {
            float[] block = blocks[b];
            Arrays.fill(acc0, 0);
            Arrays.fill(acc1, 0);
            Arrays.fill(acc2, 0);
            Arrays.fill(acc3, 0);
            for (int k = 0; k < dim; k++) {
                float x0 = c0[k], x1 = c1[k], x2 = c2[k], x3 = c3[k];
                int off = k * BLOCK;
                for (int j = 0; j < BLOCK; j++) {
                    float v = block[off + j];
                    acc0[j] += x0 * v;
                    acc1[j] += x1 * v;
                    acc2[j] += x2 * v;
                    acc3[j] += x3 * v;
                }
            }
            int valid = Math.min(BLOCK, count - b * BLOCK);
            int base = b * BLOCK;
            // Strict '>' keeps the earliest kept vector among equals: deterministic, and "keep-first" all the way.
            for (int j = 0; j < valid; j++) {
                if (acc0[j] > b0) { b0 = acc0[j]; a0 = base + j; }
                if (acc1[j] > b1) { b1 = acc1[j]; a1 = base + j; }
                if (acc2[j] > b2) { b2 = acc2[j]; a2 = base + j; }
                if (acc3[j] > b3) { b3 = acc3[j]; a3 = base + j; }
            }
        }
        int o = start - from;
        best[o] = b0;
        arg[o] = a0;
        if (start + 1 < end) { best[o + 1] = b1; arg[o + 1] = a1; }
        if (start + 2 < end) { best[o + 2] = b2; arg[o + 2] = a2; }
        if (start + 3 < end) { best[o + 3] = b3; arg[o + 3] = a3; }
    }
}
