package dev.distillery.trainers.io;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.tensor.AbstractTensor;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.model.Projection;
import dev.distillery.trainers.model.TensorSlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jlama (the inference engine) must load what {@link ModelWriter} writes, and see the same numbers. */
class JlamaCompatTest {

    @TempDir
    Path tmp;

    /** A byte-level BPE tokenizer: the 256 GPT-2 byte symbols, one merge, four specials (ids 256..259). */
    static void writeTokenizer(Path dir) throws IOException {
        ObjectNode root = Safetensors.JSON.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<|begin_of_text|>", "<|end_of_text|>", "<|im_start|>", "<|im_end|>"};
        for (int i = 0; i < specials.length; i++) {
            added.addObject().put("id", 256 + i).put("content", specials[i]).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode items = pre.putArray("pretokenizers");
        ObjectNode split = items.addObject().put("type", "Split");
        split.putObject("pattern").put("Regex", " ?[A-Za-z]+| ?[0-9]+| ?[^\\sA-Za-z0-9]+|\\s+");
        split.put("behavior", "Isolated").put("invert", false);
        items.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", false);
        ObjectNode model = root.putObject("model").put("type", "BPE").put("byte_fallback", false);
        model.putNull("unk_token");
        ObjectNode vocab = model.putObject("vocab");
        List<String> symbols = byteSymbols();
        for (int i = 0; i < 256; i++) vocab.put(symbols.get(i), i);
        model.putArray("merges");
        Safetensors.JSON.writeValue(dir.resolve("tokenizer.json").toFile(), root);
    }

    /** GPT-2's reversible byte-to-character map: printable bytes map to themselves, the rest to 256 + n. */
    private static List<String> byteSymbols() {
        List<String> out = new ArrayList<>();
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out.add(Character.toString(printable ? b : 256 + extra++));
        }
        return out;
    }

    private static float value(AbstractTensor t, int row, int col) {
        return t.dims() == 1 ? t.get(col) : t.get(row, col);
    }

    /** Every element of {@code slot} as Jlama loaded it equals ours. */
    private static void assertSame(AbstractModel jlama, ModelWeights ours, TensorSlot slot) {
        AbstractTensor t = jlama.getWeights().load(slot.name());
        int rows = slot.shape().length == 1 ? 1 : slot.rows();
        int cols = slot.shape().length == 1 ? slot.shape()[0] : slot.cols();
        assertEquals(slot.size(), t.size(), slot.name());
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float expected = ours.data()[(int) slot.offset() + r * cols + c];
                assertEquals(expected, value(t, r, c), 0f, slot.name() + "[" + r + "," + c + "]");
            }
        }
    }

    private AbstractModel writeAndLoad(ModelConfig c, ModelWeights w, String name) throws IOException {
        Path tok = Files.createDirectories(tmp.resolve("tok"));
        if (!Files.exists(tok.resolve("tokenizer.json"))) writeTokenizer(tok);
        Path dir = tmp.resolve(name);
        ModelWriter.write(dir, c, w, tok);
        return ModelSupport.loadModel(dir.toFile(), com.github.tjake.jlama.safetensors.DType.F32,
                com.github.tjake.jlama.safetensors.DType.F32);
    }

    @Test
    void jlamaLoadsAWrittenLlama() throws IOException {
        ModelConfig c = new ModelConfig("llama", 384, 64, 256, 2, 4, 2, 16, 1e-5, 10000.0, 256, false, false, 256,
                List.of(257, 259));
        ModelWeights w = TestFiles.randomWeights(c, 41);
        AbstractModel m = writeAndLoad(c, w, "llama");
        try {
            assertEquals(ModelSupport.ModelType.LLAMA, m.getModelType());
            assertEquals(64, m.getConfig().embeddingLength);
            assertEquals(256, m.getConfig().hiddenLength);
            assertEquals(384, m.getConfig().vocabularySize);
            assertEquals(2, m.getConfig().numberOfLayers);
            assertEquals(2, m.getConfig().numberOfKeyValueHeads);
            assertEquals(16, m.getConfig().headSize);
            assertEquals(256, m.getConfig().bosToken);
            assertEquals(List.of(257, 259), m.getConfig().eosTokens);
            assertTrue(m.getWeights().isWeightPresent("lm_head.weight"));
            for (TensorSlot s : List.of(w.layout().embed(), w.layout().layer(1).weight(Projection.K),
                    w.layout().layer(0).weight(Projection.DOWN), w.layout().layer(1).inputNorm(),
                    w.layout().finalNorm(), w.layout().lmHead())) {
                assertSame(m, w, s);
            }
            assertEquals("[104, 105]", java.util.Arrays.toString(m.getTokenizer().encode("hi")), "byte-level ids");
        } finally {
            m.close();
        }
    }

    @Test
    void jlamaLoadsAWrittenTiedQwen2WithBiases() throws IOException {
        ModelConfig c = new ModelConfig("qwen2", 384, 64, 256, 1, 4, 2, 16, 1e-6, 1e6, 256, true, true, 256,
                List.of(259));
        ModelWeights w = TestFiles.randomWeights(c, 42);
        AbstractModel m = writeAndLoad(c, w, "qwen2");
        try {
            assertEquals(ModelSupport.ModelType.QWEN2, m.getModelType());
            assertTrue(!m.getWeights().isWeightPresent("lm_head.weight"), "tied: no lm_head stored");
            for (TensorSlot s : List.of(w.layout().embed(), w.layout().layer(0).weight(Projection.Q),
                    w.layout().layer(0).bias(Projection.Q), w.layout().layer(0).bias(Projection.V),
                    w.layout().layer(0).postNorm())) {
                assertSame(m, w, s);
            }
        } finally {
            m.close();
        }
    }
}
