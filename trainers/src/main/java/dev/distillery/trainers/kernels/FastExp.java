package dev.distillery.trainers.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp(x) in float32 from additions, multiplications and fused multiply-adds only, as a scalar and as a Vector API
 * kernel that give bit-identical results: round x·log2(e) to n, reduce r = x − n·ln2 (two-part ln2), a degree-6
 * polynomial for e^r on |r| ≤ ln2/2 (relative error below 2e-7), times 2^n built from the exponent bits.
 *
 * <p>Why not {@code Math.exp} or the Vector API's {@code EXP}: both may return different last bits in the interpreter
 * and in JIT-compiled code, so a training run would not reproduce itself (and a resumed run would drift from the
 * uninterrupted one); and they are the hot spot of softmax over a large vocabulary. Inputs below −87 give 0 (the
 * result would be subnormal), above 88 give 2^127-ish; softmax inputs are ≤ 0 after max subtraction.
 *
 * <pre>{@code float e = FastExp.exp(x);  FastExp.expInPlace(buf, from, to, shift);  // buf[i] = exp(buf[i] - shift)}</pre>
 */
public final class FastExp {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float MAGIC = 12582912f; // 1.5·2^23: adding it rounds to an integer
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
    private static final float LO = -87f;
    private static final float HI = 88f;
    // Taylor coefficients 1/k! for k = 6..2; on |r| ≤ 0.347 the truncation error is below 1.3e-7 relative.
    private static final float C6 = 1.3888889e-3f, C5 = 8.3333333e-3f, C4 = 4.1666667e-2f, C3 = 1.6666667e-1f,
            C2 = 0.5f;

    private FastExp() {
    }

    public static float exp(float x) {
        if (x < LO) return 0f;
        if (x > HI) x = HI;
        float t = Math.fma(x, LOG2E, MAGIC);
        int n = Float.floatToRawIntBits(t) - MAGIC_BITS;
        float nf = t - MAGIC;
        float r = Math.fma(-nf, LN2_HI, x);
        r = Math.fma(-nf, LN2_LO, r);
        float p = Math.fma(C6, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat((n + 127) << 23);
    }

    /** {@code a[i] = exp(a[i] - shift)} for i in [from, to); returns the sum of the results, added in a fixed order. */
    public static float expInPlace(float[] a, int from, int to, float shift) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        FloatVector acc = FloatVector.zero(S);
        FloatVector vShift = FloatVector.broadcast(S, shift);
        for (; i < upper; i += S.length()) {
            FloatVector e = expVector(FloatVector.fromArray(S, a, i).sub(vShift));
            e.intoArray(a, i);
            acc = acc.add(e);
        }
        float sum = 0;
        for (int lane = 0; lane < S.length(); lane++) sum += acc.lane(lane); // fixed order, unlike reduceLanes
        for (; i < to; i++) {
            float e = exp(a[i] - shift);
            a[i] = e;
            sum += e;
        }
        return sum;
    }

    /** Lane-wise {@link #exp(float)}, bit for bit. */
    public static FloatVector expVector(FloatVector x) {
        var below = x.compare(VectorOperators.LT, LO);
        x = x.min(HI);
        FloatVector t = x.fma(LOG2E, MAGIC);
        IntVector n = t.reinterpretAsInts().sub(MAGIC_BITS);
        FloatVector nf = t.sub(MAGIC);
        FloatVector r = nf.neg().fma(FloatVector.broadcast(S, LN2_HI), x);
        r = nf.neg().fma(FloatVector.broadcast(S, LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, C6).fma(r, FloatVector.broadcast(S, C5));
        p = p.fma(r, FloatVector.broadcast(S, C4));
        p = p.fma(r, FloatVector.broadcast(S, C3));
        p = p.fma(r, FloatVector.broadcast(S, C2));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        FloatVector scale = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale).blend(0f, below);
    }
}
