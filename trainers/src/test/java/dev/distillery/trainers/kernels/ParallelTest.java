package dev.distillery.trainers.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void coversEveryIndexExactlyOnce() {
        try (Parallel p = new Parallel(4)) {
            for (int n : new int[] {1, 2, 3, 4, 5, 17, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                AtomicInteger calls = new AtomicInteger();
                p.parallelFor(n, (from, to) -> {
                    calls.incrementAndGet();
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "n=" + n + " i=" + i);
                }
                assertEquals(Math.min(4, n), calls.get());
            }
        }
    }

    @Test
    void manyBackToBackJobsAndNestedCalls() {
        try (Parallel p = new Parallel(3)) {
            AtomicInteger sum = new AtomicInteger();
            for (int rep = 0; rep < 20_000; rep++) {
                p.parallelFor(3, (from, to) -> sum.addAndGet(to - from));
            }
            assertEquals(60_000, sum.get());
            // A nested call finds the pool busy and runs inline.
            AtomicInteger inner = new AtomicInteger();
            p.parallelFor(3, (from, to) -> p.parallelFor(10, (f, t) -> inner.addAndGet(t - f)));
            assertEquals(30, inner.get());
        }
    }

    @Test
    void rethrowsAfterAllChunksFinish() {
        try (Parallel p = new Parallel(2)) {
            AtomicInteger ran = new AtomicInteger();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.parallelFor(2, (from, to) -> {
                ran.incrementAndGet();
                if (from == 0) {
                    throw new IllegalStateException("boom");
                }
            }));
            assertEquals("boom", e.getMessage());
            assertEquals(2, ran.get());
            // Still usable afterwards.
            AtomicInteger after = new AtomicInteger();
            p.parallelFor(2, (from, to) -> after.incrementAndGet());
            assertEquals(2, after.get());
        }
    }

    @Test
    void chunkBoundariesDependOnlyOnSizes() {
        assertEquals(0, Parallel.chunkStart(10, 3, 0));
        assertEquals(3, Parallel.chunkStart(10, 3, 1));
        assertEquals(6, Parallel.chunkStart(10, 3, 2));
        assertEquals(10, Parallel.chunkStart(10, 3, 3));
        assertSame(Parallel.shared(), Parallel.shared());
        assertThrows(IllegalArgumentException.class, () -> new Parallel(0));
    }
}
