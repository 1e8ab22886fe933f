package dev.distillery.trainers.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FastExpTest {

    @Test
    void accurateToAFewUlpsOverTheSoftmaxRange() {
        Random r = new Random(1);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            float x = -87f + r.nextFloat() * 175f;
            double ref = Math.exp(x);
            worst = Math.max(worst, Math.abs(FastExp.exp(x) - ref) / ref);
        }
        assertTrue(worst < 3e-7, "max relative error " + worst);
        assertEquals(1f, FastExp.exp(0f));
        assertEquals(0f, FastExp.exp(-100f));
        assertEquals(0f, FastExp.exp(Float.NEGATIVE_INFINITY));
    }

    @Test
    void vectorAndScalarAgreeBitForBit() {
        Random r = new Random(2);
        float[] a = new float[1003];
        for (int i = 0; i < a.length; i++) a[i] = -30f + r.nextFloat() * 40f;
        float[] v = a.clone();
        float sum = FastExp.expInPlace(v, 0, v.length, 3.5f);
        double check = 0;
        for (int i = 0; i < a.length; i++) {
            assertEquals(Float.floatToRawIntBits(FastExp.exp(a[i] - 3.5f)), Float.floatToRawIntBits(v[i]), "index " + i);
            check += v[i];
        }
        assertEquals(check, sum, 1e-5 * check);
    }
}
