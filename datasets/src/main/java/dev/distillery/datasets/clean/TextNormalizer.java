package dev.distillery.datasets.clean;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Text normalisation and word tokenisation shared by dedup, decontamination and statistics, in the spirit of
 * datatrove's {@code simplify_text}: NFKC, lower case, punctuation and symbols replaced by spaces, whitespace
 * collapsed. Words are the maximal runs of Unicode letters, digits and combining marks (marks are kept so that
 * Devanagari or Thai words are not cut at every vowel sign).
 *
 * <pre>{@code
 * TextNormalizer.normalize("Hello,   WORLD!")   // "hello world"
 * TextNormalizer.words("Don't panic")          // [don, t, panic]
 * }</pre>
 *
 * <p>Because a word is exactly what {@link #normalize} separates with single spaces, two texts have the same
 * normal form if and only if they have the same word sequence; every consumer sees the same notion of "same text".
 */
public final class TextNormalizer {

    private TextNormalizer() {
    }

    /** The normal form: the words joined by single spaces. */
    public static String normalize(String text) {
        String s = nfkc(text);
        StringBuilder out = new StringBuilder(s.length());
        boolean inWord = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isWordChar(cp)) {
                if (!inWord && !out.isEmpty()) {
                    out.append(' ');
                }
                out.appendCodePoint(lower(cp));
                inWord = true;
            } else {
                inWord = false;
            }
        }
        return out.toString();
    }

    /** The words of {@code text}, normalised. */
    public static List<String> words(String text) {
        String s = nfkc(text);
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isWordChar(cp)) {
                word.appendCodePoint(lower(cp));
            } else if (!word.isEmpty()) {
                words.add(word.toString());
                word.setLength(0);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    /** Number of words, without building them. */
    public static int wordCount(String text) {
        String s = nfkc(text);
        int count = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            boolean w = isWordChar(cp);
            if (w && !inWord) {
                count++;
            }
            inWord = w;
        }
        return count;
    }

    /**
     * A 64-bit hash of each normalised word, in order. This is what the n-gram code works on: it never builds word
     * strings, which roughly halves tokenisation cost. Two different words collide with probability 2^-64.
     */
    public static long[] wordHashes(String text) {
        String s = nfkc(text);
        long[] out = new long[Math.max(8, s.length() / 5)];
        int n = 0;
        long h = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.charAt(i);
            if (cp < 0x80) {
                i++;
                // ASCII fast path: no surrogate, and lower-casing is a bit operation.
                boolean w = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z');
                if (w) {
                    if (cp <= 'Z' && cp >= 'A') {
                        cp |= 0x20;
                    }
                    h = inWord ? (h ^ cp) * 0x100000001b3L : (0xcbf29ce484222325L ^ cp) * 0x100000001b3L;
                    inWord = true;
                    continue;
                }
            } else {
                cp = s.codePointAt(i);
                i += Character.charCount(cp);
                if (isWordChar(cp)) {
                    int lc = lower(cp);
                    h = inWord ? (h ^ lc) * 0x100000001b3L : (0xcbf29ce484222325L ^ lc) * 0x100000001b3L;
                    inWord = true;
                    continue;
                }
            }
            if (inWord) {
                if (n == out.length) {
                    out = java.util.Arrays.copyOf(out, n * 2);
                }
                // FNV-1a spreads poorly in the high bits; the finaliser fixes that for downstream bit tricks.
                out[n++] = Hashing.fmix64(h);
                inWord = false;
            }
        }
        if (inWord) {
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n + 1);
            }
            out[n++] = Hashing.fmix64(h);
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    static boolean isWordChar(int cp) {
        if (cp < 0x80) {
            return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
        }
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static int lower(int cp) {
        if (cp < 0x80) {
            return cp >= 'A' && cp <= 'Z' ? cp | 0x20 : cp;
        }
        return Character.toLowerCase(cp);
    }

    /** ASCII is already in NFKC, and most training text is ASCII; skipping the normaliser there saves ~40%. */
    private static String nfkc(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return Normalizer.normalize(text, Normalizer.Form.NFKC);
            }
        }
        return text;
    }
}
