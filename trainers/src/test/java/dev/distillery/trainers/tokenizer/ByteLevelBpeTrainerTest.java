package dev.distillery.trainers.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteLevelBpeTrainerTest {

    private static List<String> merges(TrainedTokenizer t) {
        return t.merges().stream().map(m -> m[0] + " " + m[1]).toList();
    }

    @Test
    void trainingIsDeterministicAndIndependentOfDocumentOrder() {
        var options = ByteLevelBpeTrainer.Options.chatMl(Fixtures.VOCAB);
        TrainedTokenizer a = new ByteLevelBpeTrainer(options).train(Fixtures.corpus());
        TrainedTokenizer b = new ByteLevelBpeTrainer(options).train(Fixtures.corpus());
        List<String> shuffled = new ArrayList<>(Fixtures.corpus());
        Collections.shuffle(shuffled, new Random(1));
        TrainedTokenizer c = new ByteLevelBpeTrainer(options).train(shuffled);
        assertEquals(Fixtures.VOCAB - 256, a.merges().size(), "corpus is large enough to fill the vocabulary");
        assertEquals(merges(a), merges(b));
        assertEquals(merges(a), merges(c));
        assertEquals(a.vocab(), c.vocab());
    }

    @Test
    void mergesReduceTokenCountOnTheCorpus() {
        ByteLevelBpeTokenizer bytes = new ByteLevelBpeTrainer(ByteLevelBpeTrainer.Options.chatMl(256).withBytesOnly())
                .train(Fixtures.corpus()).tokenizer();
        ByteLevelBpeTokenizer bpe = Fixtures.trained().tokenizer();
        long byteTokens = 0;
        long bpeTokens = 0;
        for (String doc : Fixtures.corpus()) {
            byteTokens += bytes.encode(doc).length;
            bpeTokens += bpe.encode(doc).length;
        }
        assertTrue(bpeTokens * 2 < byteTokens, "BPE " + bpeTokens + " tokens vs bytes " + byteTokens);
        // The first merge is the most frequent pair of the corpus: a space followed by a letter is typical.
        assertEquals(2, Fixtures.trained().merges().get(0).length);
    }

    @Test
    void bytesOnlyHas256TokensPlusSpecials() {
        TrainedTokenizer t = new ByteLevelBpeTrainer(ByteLevelBpeTrainer.Options.chatMl(4096).withBytesOnly())
                .train(Fixtures.corpus());
        assertEquals(256, t.vocab().size());
        assertTrue(t.merges().isEmpty());
        assertEquals(259, t.size());
        assertEquals(256, t.addedId("<|endoftext|>"));
        assertEquals(258, t.addedId("<|im_end|>"));
        ByteLevelBpeTokenizer tok = t.tokenizer();
        assertEquals(List.of(104, 195, 169), java.util.Arrays.stream(tok.encode("hé")).boxed().toList());
    }

    @Test
    void padsWithReservedSpecialTokens() {
        TrainedTokenizer t = Fixtures.trained();
        assertEquals(Fixtures.PADDED, t.size());
        assertEquals(Fixtures.VOCAB, t.vocab().size());
        assertEquals(Fixtures.VOCAB + 3, t.addedId("<|reserved_0|>"));
        assertEquals("<|reserved_" + (Fixtures.PADDED - Fixtures.VOCAB - 4) + "|>", t.added().getLast());
        ByteLevelBpeTokenizer tok = t.tokenizer();
        assertEquals(Fixtures.PADDED, tok.size());
        for (int id = 0; id < tok.size(); id++) assertFalse(tok.token(id).isEmpty(), "id " + id + " has a token");
        assertTrue(tok.isSpecial(Fixtures.PADDED - 1));
        assertThrows(IllegalArgumentException.class, () -> new ByteLevelBpeTrainer(
                ByteLevelBpeTrainer.Options.chatMl(Fixtures.VOCAB).withPadTo(300)).train(Fixtures.corpus()));
    }

    @Test
    void mergesMostFrequentPairFirstAndBreaksTiesBySmallerIds() {
        // Words: "ab" x1, " ab" x2, " cd" x3. Pairs: (a,b) 3, (Ġ,c) 3, (c,d) 3, (Ġ,a) 2.
        // Tie at 3: smallest left id wins, Ġ (32) before a (97) before c (99).
        TrainedTokenizer t = new ByteLevelBpeTrainer(ByteLevelBpeTrainer.Options.chatMl(1000))
                .train(List.of("ab ab ab cd cd cd"));
        assertEquals(List.of("Ġ c", "a b", "Ġc d", "Ġ ab"), merges(t));
        assertEquals(List.of("Ġc", "ab", "Ġcd", "Ġab"), t.vocab().subList(256, 260));
        assertEquals(List.of(258, 259, 259, 257), Arrays.stream(t.tokenizer().encode(" cd ab abab")).boxed().toList());
    }

    @Test
    void stopsEarlyWhenNoPairIsFrequentEnough() {
        TrainedTokenizer t = new ByteLevelBpeTrainer(ByteLevelBpeTrainer.Options.chatMl(10_000))
                .train(List.of("abc abd"));
        // " a" never repeats... but "ab" does (twice): one merge, then nothing occurs twice.
        assertEquals(List.of("a b"), merges(t));
        assertEquals(257, t.vocab().size());
    }

    @Test
    void specialTokensInTheCorpusAreNotLearnedAsText() {
        TrainedTokenizer t = new ByteLevelBpeTrainer(ByteLevelBpeTrainer.Options.chatMl(400))
                .train(List.of("<|im_start|><|im_end|>".repeat(50) + " hi hi hi"));
        List<String> learned = t.vocab().subList(256, t.vocab().size());
        assertTrue(learned.contains("Ġhi"), learned.toString());
        assertTrue(learned.stream().noneMatch(v -> v.contains("|") || v.contains("im")), learned.toString());
    }

    @Test
    void writesHuggingFaceFiles(@TempDir Path dir) throws Exception {
        Fixtures.trained().write(dir);
        ObjectMapper json = new ObjectMapper();
        JsonNode tok = json.readTree(dir.resolve("tokenizer.json").toFile());
        assertEquals("BPE", tok.path("model").path("type").asText());
        assertEquals(Fixtures.VOCAB, tok.path("model").path("vocab").size());
        assertEquals("\u0100", tok.path("model").path("vocab").fieldNames().next(), "id 0 is byte 0, spelled U+0100");
        assertEquals(32, tok.path("model").path("vocab").path("Ġ").asInt(), "space byte keeps id 32");
        assertTrue(tok.path("model").path("merges").get(0).asText().contains(" "));
        JsonNode pre = tok.path("pre_tokenizer");
        assertEquals("Sequence", pre.path("type").asText());
        assertEquals("Split", pre.path("pretokenizers").get(0).path("type").asText());
        assertEquals(ByteLevel.LLAMA3_SPLIT, pre.path("pretokenizers").get(0).path("pattern").path("Regex").asText());
        assertEquals("Isolated", pre.path("pretokenizers").get(0).path("behavior").asText());
        assertEquals("ByteLevel", pre.path("pretokenizers").get(1).path("type").asText());
        assertFalse(pre.path("pretokenizers").get(1).path("use_regex").asBoolean(true));
        assertFalse(pre.path("pretokenizers").get(1).path("add_prefix_space").asBoolean(true));
        assertEquals("ByteLevel", tok.path("decoder").path("type").asText());
        JsonNode added = tok.path("added_tokens");
        assertEquals(Fixtures.PADDED - Fixtures.VOCAB, added.size());
        assertEquals("<|endoftext|>", added.get(0).path("content").asText());
        assertTrue(added.get(0).path("special").asBoolean());

        JsonNode cfg = json.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertEquals(ChatTemplate.CHATML, cfg.path("chat_template").asText());
        assertEquals("<|im_end|>", cfg.path("eos_token").asText());
        assertEquals("<|endoftext|>", cfg.path("pad_token").asText());
        assertEquals("<|endoftext|>", cfg.path("bos_token").asText());
        assertTrue(cfg.path("legacy").isMissingNode(), "legacy=false would turn Jlama's byte-level mode off");
        assertEquals(4096, cfg.path("model_max_length").asInt());
    }
}
