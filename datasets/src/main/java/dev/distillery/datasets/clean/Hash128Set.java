package dev.distillery.datasets.clean;

import java.util.Arrays;

/**
 * A set of 128-bit hashes, each with an int payload (the ordinal of the record that put it there). 20 bytes per
 * slot at load <= 0.5 means ~40-80 bytes per distinct text, so 10^7 texts fit in well under a gigabyte.
 */
final class Hash128Set {

    private long[] hi;
    private long[] lo;
    private int[] payload; // -1 marks an empty slot
    private int mask;
    private int size;

    Hash128Set() {
        hi = new long[1024];
        lo = new long[1024];
        payload = new int[1024];
        Arrays.fill(payload, -1);
        mask = 1023;
    }

    /** Adds the hash if new and returns -1; otherwise returns the payload it was first added with. */
    int putIfAbsent(long h, long l, int value) {
        int s = (int) (l ^ (h >>> 17)) & mask;
        while (payload[s] != -1) {
            if (hi[s] == h && lo[s] == l) {
                return payload[s];
            }
            s = (s + 1) & mask;
        }
        hi[s] = h;
        lo[s] = l;
        payload[s] = value;
        if (++size * 2 > hi.length) {
            grow();
        }
        return -1;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oh = hi;
        long[] ol = lo;
        int[] op = payload;
        hi = new long[oh.length * 2];
        lo = new long[oh.length * 2];
        payload = new int[oh.length * 2];
        Arrays.fill(payload, -1);
        mask = hi.length - 1;
        for (int i = 0; i < oh.length; i++) {
            if (op[i] != -1) {
                int s = (int) (ol[i] ^ (oh[i] >>> 17)) & mask;
                while (payload[s] != -1) {
                    s = (s + 1) & mask;
                }
                hi[s] = oh[i];
                lo[s] = ol[i];
                payload[s] = op[i];
            }
        }
    }
}
