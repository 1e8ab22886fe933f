package dev.distillery.trainers.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Our ids against the Hugging Face Rust implementation (DJL bundles it; runs offline) for a tokenizer our trainer
 * produced. This is the check that training data gets the ids a transformers user would get.
 */
class HuggingFaceParityTest {

    private static long[] longs(int[] ids) {
        return Arrays.stream(ids).asLongStream().toArray();
    }

    private static void assertParity(Path tokenizerJson, ByteLevelBpeTokenizer ours, List<String> texts) throws Exception {
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of())) {
            for (String text : texts) {
                long[] expected = hf.encode(text, false, false).getIds();
                int[] actual = ours.encode(text);
                assertArrayEquals(expected, longs(actual), () -> "ids of '" + text + "'");
                assertEquals(hf.decode(expected, false), ours.decode(actual), () -> "decode of '" + text + "'");
            }
        }
    }

    private static List<String> randomTexts() {
        Random rnd = new Random(3);
        String alphabet = "aeiou xyzAEZ019 .,;:'!?-\n\n\t  éüßø€ñ東京語😀🚀ʼ’\u00a0\u3000'sre'LL";
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(30);
            for (int j = 0; j < len; j++) {
                int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0, rnd.nextInt(alphabet.codePointCount(0,
                        alphabet.length()))));
                sb.appendCodePoint(cp);
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void trainedTokenizerMatchesHuggingFace() throws Exception {
        Path file = Fixtures.dir().resolve("tokenizer.json");
        List<String> texts = new ArrayList<>(Fixtures.PARITY);
        texts.addAll(Fixtures.corpus());
        texts.addAll(randomTexts());
        assertParity(file, Fixtures.tokenizer(), texts);
    }

    @Test
    void gpt2ShapeMatchesHuggingFace(@TempDir Path dir) throws Exception {
        ObjectNode json = Fixtures.trained().tokenizerJson();
        json.set("pre_tokenizer", new ObjectMapper().createObjectNode().put("type", "ByteLevel")
                .put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true));
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json.toString());
        List<String> texts = new ArrayList<>(Fixtures.PARITY);
        texts.addAll(randomTexts());
        assertParity(file, ByteLevelBpeTokenizer.load(file), texts);
    }

    @Test
    void qwen2RegexAndNfcMatchHuggingFace(@TempDir Path dir) throws Exception {
        ObjectNode json = new ByteLevelBpeTrainer(ByteLevelBpeTrainer.Options.chatMl(500)
                .withSplitRegex(ByteLevel.QWEN2_SPLIT)).train(Fixtures.corpus()).tokenizerJson();
        json.set("normalizer", new ObjectMapper().createObjectNode().put("type", "NFC"));
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json.toString());
        List<String> texts = new ArrayList<>(Fixtures.PARITY);
        texts.add("cafe\u0301 decomposed, 2024-12-31");
        texts.addAll(randomTexts());
        assertParity(file, ByteLevelBpeTokenizer.load(file), texts);
    }
}
