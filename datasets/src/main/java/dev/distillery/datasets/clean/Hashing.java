package dev.distillery.datasets.clean;

/**
 * The 64- and 128-bit hashes the cleaning layer uses. Written here rather than taken from a library because the
 * datasets module keeps its dependencies to Jackson; the mixing constants are the well-known ones from the
 * MurmurHash3 / SplitMix64 family, which pass avalanche tests and cost a few multiplies per word.
 */
final class Hashing {

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Hashing() {
    }

    /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
    static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /**
     * Hash of {@code len} consecutive word hashes starting at {@code from}. The length goes into the start value so
     * that a 3-gram and a 5-gram can never be confused, and the rotate-xor-multiply chain makes it order-sensitive.
     */
    static long ngram(long[] words, int from, int len) {
        long h = GOLDEN * (len + 1);
        for (int i = from, end = from + len; i < end; i++) {
            h = Long.rotateLeft(h, 23) ^ words[i];
            h *= C2;
        }
        return fmix64(h);
    }

    /**
     * A MurmurHash3-x64-128-style hash of the UTF-16 units of {@code s} (4 chars per 64-bit lane). Returns the two
     * halves in {@code out[0]}, {@code out[1]}. 128 bits make an accidental collision among even 10^10 distinct
     * texts about 10^-19 likely, so exact dedup can trust the hash without keeping the texts.
     */
    static void hash128(CharSequence s, long seed, long[] out) {
        long h1 = seed;
        long h2 = seed ^ GOLDEN;
        int n = s.length();
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long k1 = lane(s, i);
            long k2 = lane(s, i + 4);
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        // Tail: up to 7 chars, packed the same way; zero padding is safe because the length is mixed in below.
        long k1 = 0;
        long k2 = 0;
        for (int j = 0; i + j < n; j++) {
            long c = s.charAt(i + j);
            if (j < 4) {
                k1 |= c << (16 * j);
            } else {
                k2 |= c << (16 * (j - 4));
            }
        }
        if (n - i > 4) {
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
        }
        if (n - i > 0) {
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
        }
        h1 ^= n;
        h2 ^= n;
        h1 += h2;
        h2 += h1;
        h1 = fmix64(h1);
        h2 = fmix64(h2);
        h1 += h2;
        h2 += h1;
        out[0] = h1;
        out[1] = h2;
    }

    private static long lane(CharSequence s, int i) {
        return (long) s.charAt(i) | ((long) s.charAt(i + 1) << 16) | ((long) s.charAt(i + 2) << 32)
                | ((long) s.charAt(i + 3) << 48);
    }
}
