package dev.distillery.trainers.tokenizer;

import com.github.tjake.jlama.model.llama.LlamaTokenizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jlama must load what the trainer writes and, for ASCII, agree with our ids (jlama-notes §5.2). */
class JlamaCompatibilityTest {

    /**
     * Exact agreement on ASCII. This holds only while tokenizer_config.json does not say {@code "legacy": false}:
     * that flag switches Jlama 0.8.4 out of byte-level mode (spaces dropped, " quick" spelled letter by letter), so
     * the trainer leaves it out and Jlama infers byte-level mode from the Sequence pre-tokenizer.
     */
    @Test
    void jlamaLoadsTheTrainedTokenizerAndAgreesOnAscii() {
        LlamaTokenizer jlama = new LlamaTokenizer(Fixtures.dir());
        assertTrue(jlama.getModel().isLegacy(), "Jlama is in byte-level mode");
        ByteLevelBpeTokenizer ours = Fixtures.tokenizer();
        for (String text : Fixtures.ASCII) {
            int[] ids = ours.encode(text);
            long[] expected = Arrays.stream(ids).asLongStream().toArray();
            assertArrayEquals(expected, jlama.encode(text), () -> "ids of '" + text + "': ours "
                    + Arrays.stream(ids).mapToObj(ours::token).toList() + ", Jlama " + jlama.tokenize(text));
        }
        assertTrue(jlama.promptSupport().isPresent(), "chat template is visible to Jlama");
    }

    @Test
    void jlamaKnowsEveryIdUpToThePaddedSize() {
        LlamaTokenizer jlama = new LlamaTokenizer(Fixtures.dir());
        ByteLevelBpeTokenizer ours = Fixtures.tokenizer();
        int last = Fixtures.PADDED - 1;
        assertEquals((long) last, jlama.getModel().addedTokens().get(ours.token(last)));
        assertEquals((long) ours.id("<|im_end|>"), jlama.getModel().addedTokens().get("<|im_end|>"));
        assertArrayEquals(new long[]{ours.id("<|im_start|>")}, jlama.encode("<|im_start|>"));
        jlama.decode((long) last); // throws for an id without an entry
    }
}
