package dev.distillery.datasets.clean;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class TextNormalizerTest {

    @Test
    void normalisesCaseWhitespaceAndPunctuation() {
        assertEquals("hello world", TextNormalizer.normalize("  Hello,\tWORLD!!  "));
        assertEquals("don t panic", TextNormalizer.normalize("Don't   panic."));
        assertEquals("", TextNormalizer.normalize(" ... "));
    }

    @Test
    void appliesNfkcAndKeepsUnicodeWords() {
        assertEquals("hello fi 2", TextNormalizer.normalize("ＨＥＬＬＯ ﬁ ²"));
        assertEquals(List.of("naïve", "café", "日本語", "नमस्ते"), TextNormalizer.words("Naïve café — 日本語, नमस्ते!"));
        // Decomposed "é" (e + combining acute) composes under NFKC and hashes like the precomposed one.
        assertArrayEquals(TextNormalizer.wordHashes("café"), TextNormalizer.wordHashes("cafe\u0301"));
    }

    @Test
    void wordHashesAgreeWithWords() {
        String text = "The quick, brown FOX; the quick brown fox.";
        long[] h = TextNormalizer.wordHashes(text);
        assertEquals(TextNormalizer.words(text).size(), h.length);
        assertEquals(TextNormalizer.wordCount(text), h.length);
        assertEquals(h[0], h[4]);
        assertEquals(h[3], h[7]);
        assertNotEquals(h[0], h[1]);
    }
}
