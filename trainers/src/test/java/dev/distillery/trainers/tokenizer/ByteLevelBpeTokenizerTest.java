package dev.distillery.trainers.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteLevelBpeTokenizerTest {

    private final ByteLevelBpeTokenizer tok = Fixtures.tokenizer();

    @Test
    void byteAlphabetIsTheGpt2Table() {
        assertEquals('Ġ', ByteLevel.charOf(' '));
        assertEquals('Ċ', ByteLevel.charOf('\n'));
        assertEquals('ĉ', ByteLevel.charOf('\t'));
        assertEquals('Ā', ByteLevel.charOf(0));
        assertEquals('A', ByteLevel.charOf('A'));
        assertEquals('é', ByteLevel.charOf(0xE9));
        assertEquals('Ń', ByteLevel.charOf(0xAD), "soft hyphen is the last remapped byte");
        for (int b = 0; b < 256; b++) assertEquals(b, ByteLevel.byteOf(ByteLevel.charOf(b)));
        assertEquals(-1, ByteLevel.byteOf('€'));
    }

    @Test
    void roundTripsArbitraryUnicode() {
        Random rnd = new Random(42);
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(40);
            for (int j = 0; j < len; j++) {
                int cp = switch (rnd.nextInt(6)) {
                    case 0 -> rnd.nextInt(0x80);                       // ASCII incl. controls
                    case 1 -> 0x80 + rnd.nextInt(0x780);               // Latin, Greek, Cyrillic...
                    case 2 -> 0x4E00 + rnd.nextInt(0x5000);            // CJK
                    case 3 -> 0x1F300 + rnd.nextInt(0x300);            // emoji (surrogate pairs)
                    case 4 -> " \n\t\r".charAt(rnd.nextInt(4));
                    default -> 0x10000 + rnd.nextInt(0xFFFF0);         // any supplementary plane
                };
                if (cp >= 0xD800 && cp <= 0xDFFF) cp = 'x';
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            assertEquals(s, tok.decode(tok.encode(s)), () -> "round trip of " + s.codePoints().boxed().toList());
        }
        for (String s : Fixtures.PARITY) assertEquals(s, tok.decode(tok.encode(s)));
    }

    @Test
    void nonAsciiIsEncodedAsItsUtf8Bytes() {
        // A bytes-only tokenizer makes the expectation exact: one id per UTF-8 byte (id = byte value).
        ByteLevelBpeTokenizer bytes = new ByteLevelBpeTrainer(ByteLevelBpeTrainer.Options.chatMl(256).withBytesOnly())
                .train(java.util.List.of()).tokenizer();
        assertArrayEquals(new int[]{104, 195, 169, 108, 108, 111, 32, 226, 130, 172}, bytes.encode("héllo €"));
        assertArrayEquals(new int[]{0xF0, 0x9F, 0x98, 0x80}, bytes.encode("😀"));
    }

    @Test
    void specialTokensAreMatchedBeforePreTokenisation() {
        int start = tok.id("<|im_start|>");
        int end = tok.id("<|im_end|>");
        int[] ids = tok.encode("<|im_start|>user\nhi<|im_end|>");
        assertEquals(start, ids[0]);
        assertEquals(end, ids[ids.length - 1]);
        assertTrue(tok.isSpecial(start));
        assertEquals(Fixtures.PADDED - Fixtures.VOCAB, tok.specialTokens().size());
        // An incomplete marker is plain text.
        int[] partial = tok.encode("<|im_start|");
        assertTrue(Arrays.stream(partial).noneMatch(tok::isSpecial));
        assertEquals("user\nhi", tok.decode(ids, true));
        assertThrows(IllegalArgumentException.class, () -> tok.id("not-a-token"));
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[]{Fixtures.PADDED}));
    }

    @Test
    void longestAddedTokenWins() {
        ObjectNode json = Fixtures.trained().tokenizerJson();
        ArrayNode added = (ArrayNode) json.get("added_tokens");
        added.addObject().put("id", Fixtures.PADDED).put("content", "<|im_end|>X").put("special", false);
        ByteLevelBpeTokenizer t = ByteLevelBpeTokenizer.fromJson(json);
        assertArrayEquals(new int[]{Fixtures.PADDED}, t.encode("<|im_end|>X"));
        assertArrayEquals(new int[]{t.id("<|im_end|>")}, t.encode("<|im_end|>"));
        assertFalse(t.isSpecial(Fixtures.PADDED));
    }

    @Test
    void mergesInPairFormAreEquivalent() {
        ObjectNode json = Fixtures.trained().tokenizerJson();
        ObjectNode model = (ObjectNode) json.get("model");
        ArrayNode pairs = new ObjectMapper().createArrayNode();
        for (String[] m : Fixtures.trained().merges()) pairs.addArray().add(m[0]).add(m[1]);
        model.set("merges", pairs);
        ByteLevelBpeTokenizer t = ByteLevelBpeTokenizer.fromJson(json);
        for (String s : Fixtures.PARITY) assertArrayEquals(tok.encode(s), t.encode(s), s);
    }

    @Test
    void topLevelByteLevelUsesTheGpt2Regex() {
        ObjectNode json = Fixtures.trained().tokenizerJson();
        ObjectNode pre = new ObjectMapper().createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("use_regex", true);
        json.set("pre_tokenizer", pre);
        ByteLevelBpeTokenizer gpt2 = ByteLevelBpeTokenizer.fromJson(json);
        // The Llama-3 regex cuts digit runs in groups of three, so no token spans a group boundary.
        StringBuilder seen = new StringBuilder();
        for (int id : tok.encode("12345678")) {
            int before = seen.length();
            seen.append(tok.token(id));
            assertFalse(before < 3 && seen.length() > 3 || before < 6 && seen.length() > 6, "token crosses a group");
        }
        assertEquals("12345678", seen.toString());
        assertEquals("Hello world", gpt2.decode(gpt2.encode("Hello world")));
    }

    @Test
    void refusesNonByteLevelTokenizers() {
        ObjectNode json = Fixtures.trained().tokenizerJson();
        json.set("pre_tokenizer", new ObjectMapper().createObjectNode().put("type", "Metaspace"));
        assertThrows(IllegalArgumentException.class, () -> ByteLevelBpeTokenizer.fromJson(json));
        ObjectNode none = Fixtures.trained().tokenizerJson();
        none.putNull("pre_tokenizer");
        assertThrows(IllegalArgumentException.class, () -> ByteLevelBpeTokenizer.fromJson(none));
    }
}
