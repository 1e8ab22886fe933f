package dev.distillery.datasets.clean;

import java.util.Arrays;

/**
 * A long key to many int values, without boxing: open addressing for the keys, and the values of one key chained
 * through a {@code next} array (newest first). LSH buckets and n-gram postings hold millions of entries, where a
 * {@code HashMap<Long, List<Integer>>} would cost ~100 bytes per entry instead of ~20.
 */
final class LongIntMultimap {

    private long[] keys;
    private int[] heads; // entry index + 1; 0 marks an empty slot
    private int mask;
    private int usedSlots;

    private int[] values = new int[16];
    private int[] next = new int[16];
    private int entries;

    LongIntMultimap(int expectedKeys) {
        int cap = Integer.highestOneBit(Math.max(16, expectedKeys * 2 - 1)) << 1;
        keys = new long[cap];
        heads = new int[cap];
        mask = cap - 1;
    }

    void put(long key, int value) {
        if (usedSlots * 2 >= keys.length) {
            grow();
        }
        if (entries == values.length) {
            values = Arrays.copyOf(values, entries * 2);
            next = Arrays.copyOf(next, entries * 2);
        }
        int slot = slot(key);
        if (heads[slot] == 0) {
            keys[slot] = key;
            usedSlots++;
        }
        values[entries] = value;
        next[entries] = heads[slot] - 1;
        heads[slot] = ++entries;
    }

    /** The first entry for {@code key}, or -1. */
    int first(long key) {
        return heads[slot(key)] - 1;
    }

    /** The entry after {@code entry} with the same key, or -1. */
    int next(int entry) {
        return next[entry];
    }

    int value(int entry) {
        return values[entry];
    }

    int size() {
        return entries;
    }

    private int slot(long key) {
        int s = (int) Hashing.fmix64(key) & mask;
        while (heads[s] != 0 && keys[s] != key) {
            s = (s + 1) & mask;
        }
        return s;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldHeads = heads;
        keys = new long[oldKeys.length * 2];
        heads = new int[oldKeys.length * 2];
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldHeads[i] != 0) {
                int s = slot(oldKeys[i]);
                keys[s] = oldKeys[i];
                heads[s] = oldHeads[i];
            }
        }
    }
}
