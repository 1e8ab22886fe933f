package dev.distillery.datasets.clean;

/**
 * Counts distinct 64-bit hashes exactly up to {@code cap}, then estimates. Past the cap it switches to adaptive
 * sampling (Wegman): only hashes whose top {@code level} bits are zero are kept, and each time the set fills up the
 * level rises and half of it is dropped; the estimate is {@code size * 2^level}, unbiased with relative standard
 * error about {@code 1/sqrt(cap/2)} (well under 0.1% for the default cap). Memory never exceeds ~16 bytes * 2 * cap.
 */
final class DistinctCounter {

    private final int cap;
    private long[] table = new long[1 << 12];
    private int size;
    private boolean hasZero;
    private int level;

    DistinctCounter(int cap) {
        this.cap = cap;
    }

    void add(long h) {
        if (level > 0 && (h >>> (64 - level)) != 0) {
            return;
        }
        if (h == 0) {
            if (!hasZero) {
                hasZero = true;
                size++;
            }
            return;
        }
        int mask = table.length - 1;
        int s = (int) (h ^ (h >>> 29)) & mask;
        while (table[s] != 0) {
            if (table[s] == h) {
                return;
            }
            s = (s + 1) & mask;
        }
        table[s] = h;
        size++;
        if (size > cap) {
            level++;
            rebuild(table.length);
        } else if (size * 2 > table.length) {
            rebuild(table.length * 2);
        }
    }

    long estimate() {
        return (long) size << level;
    }

    boolean estimated() {
        return level > 0;
    }

    private void rebuild(int capacity) {
        long[] old = table;
        table = new long[capacity];
        size = hasZero ? 1 : 0;
        int mask = capacity - 1;
        for (long h : old) {
            if (h != 0 && (level == 0 || (h >>> (64 - level)) == 0)) {
                int s = (int) (h ^ (h >>> 29)) & mask;
                while (table[s] != 0) {
                    s = (s + 1) & mask;
                }
                table[s] = h;
                size++;
            }
        }
        if (size > cap) { // very unlikely: the sample did not halve; sample harder
            level++;
            rebuild(capacity);
        }
    }
}
