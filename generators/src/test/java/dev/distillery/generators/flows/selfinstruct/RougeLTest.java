package dev.distillery.generators.flows.selfinstruct;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RougeLTest {

    @Test
    void matchesAHandComputedLcsFMeasure() {
        // LCS("the cat sat on the mat", "the cat lay on a mat") = the cat on mat = 4; P = 4/6, R = 4/6, F = 2/3.
        assertEquals(2.0 / 3, RougeL.f1(RougeL.tokens("The cat sat on the mat."), RougeL.tokens("the cat lay on a mat")), 1e-12);
        // Recall and precision differ: LCS = 3 over 3 and 6 tokens -> P = 1, R = 0.5, F = 2/3.
        assertEquals(2.0 / 3, RougeL.f1(RougeL.tokens("write a poem"), RougeL.tokens("please write me a long poem")), 1e-12);
        assertEquals(1.0, RougeL.f1(RougeL.tokens("Sort a list!"), RougeL.tokens("sort, a list")), 1e-12);
        assertEquals(0.0, RougeL.f1(RougeL.tokens("alpha beta"), RougeL.tokens("gamma delta")));
        assertEquals(0.0, RougeL.f1(RougeL.tokens(""), RougeL.tokens("gamma")));
    }

    @Test
    void tokensAreLowerCasedAndSplitOnPunctuation() {
        assertArrayEquals(new String[]{"it", "s", "2x", "faster", "café"}, RougeL.tokens("It's 2x faster -- Café!"));
    }

    @Test
    void lcsIsOrderSensitive() {
        assertEquals(1, RougeL.lcs(new String[]{"a", "b"}, new String[]{"b", "a"}));
        assertEquals(3, RougeL.lcs(new String[]{"a", "x", "b", "y", "c"}, new String[]{"a", "b", "c"}));
    }
}
