package dev.distillery.trainers.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelIoTest {

    @TempDir
    Path tmp;

    /** Odd shapes on purpose: intermediate 172 and vocab 300 are not multiples of 8. */
    static final ModelConfig ODD = new ModelConfig("llama", 300, 32, 172, 2, 4, 2, 8, 1e-5, 500000.0, 128, false,
            false, 296, List.of(297, 299));

    private Path written(ModelConfig c, long seed) throws IOException {
        Path dir = tmp.resolve("m" + seed);
        ModelWriter.write(dir, c, TestFiles.randomWeights(c, seed), null);
        return dir;
    }

    private static ObjectNode configJson(Path dir) throws IOException {
        return (ObjectNode) Safetensors.JSON.readTree(dir.resolve("config.json").toFile());
    }

    private static void saveConfig(Path dir, JsonNode json) throws IOException {
        Safetensors.JSON.writeValue(dir.resolve("config.json").toFile(), json);
    }

    /** Rewrites model.safetensors with {@code edit} applied to the list of its tensors. */
    private static void editTensors(Path dir, java.util.function.Consumer<List<Safetensors.Tensor>> edit) throws IOException {
        List<Safetensors.Tensor> ts = new ArrayList<>();
        Path f = dir.resolve(Safetensors.MODEL_FILE);
        try (Safetensors.Reader r = Safetensors.open(f)) {
            for (Safetensors.TensorInfo t : r.tensors()) {
                int[] shape = java.util.Arrays.stream(t.shape()).mapToInt(x -> (int) x).toArray();
                ts.add(new Safetensors.Tensor(t.name(), shape, r.read(t.name()), 0));
            }
        }
        edit.accept(ts);
        Safetensors.write(f, ts);
    }

    @Test
    void oddShapedLlamaRoundTripsExactly() throws IOException {
        ModelWeights w = TestFiles.randomWeights(ODD, 7);
        Path src = Files.createDirectory(tmp.resolve("tok"));
        Files.writeString(src.resolve("tokenizer.json"), "{\"model\":{}}");
        Files.writeString(src.resolve("generation_config.json"), "{}");
        Path dir = tmp.resolve("out/odd");
        ModelWriter.write(dir, ODD, w, src);

        LoadedModel m = ModelLoader.load(dir);
        assertEquals(ODD, m.config());
        assertEquals(dir, m.dir());
        assertArrayEquals(w.data(), m.weights().data());
        assertEquals("{\"model\":{}}", Files.readString(dir.resolve("tokenizer.json")));
        assertTrue(Files.exists(dir.resolve("generation_config.json")));
        assertFalse(Files.exists(dir.resolve("tokenizer_config.json")));
        try (var s = Files.list(dir.getParent())) {
            assertEquals(List.of(dir), s.toList(), "no temporary directory left behind");
        }

        JsonNode c = configJson(dir);
        assertEquals("LlamaForCausalLM", c.get("architectures").get(0).asText());
        assertEquals("llama", c.get("model_type").asText());
        assertEquals("float32", c.get("torch_dtype").asText());
        assertEquals("silu", c.get("hidden_act").asText());
        assertEquals(172, c.get("intermediate_size").asInt());
        assertEquals(300, c.get("vocab_size").asInt());
        assertEquals(8, c.get("head_dim").asInt());
        assertEquals(500000.0, c.get("rope_theta").asDouble());
        assertEquals(296, c.get("bos_token_id").asInt());
        assertEquals("[297,299]", c.get("eos_token_id").toString());
        assertFalse(c.get("tie_word_embeddings").asBoolean());
        try (Safetensors.Reader r = Safetensors.open(dir.resolve(Safetensors.MODEL_FILE))) {
            assertEquals(w.layout().tensors().stream().map(TensorSlot::name).toList(),
                    r.tensors().stream().map(Safetensors.TensorInfo::name).toList());
            assertArrayEquals(new long[]{172, 32}, r.info("model.layers.1.mlp.up_proj.weight").shape());
        }
    }

    @Test
    void qwen2WithBiasesAndTiedEmbeddings() throws IOException {
        ModelConfig c = new ModelConfig("qwen2", 300, 32, 64, 2, 4, 2, 8, 1e-6, 1e6, 256, true, true, -1, List.of(299));
        ModelWeights w = TestFiles.randomWeights(c, 11);
        Path dir = tmp.resolve("qwen");
        ModelWriter.write(dir, c, w, null);
        try (Safetensors.Reader r = Safetensors.open(dir.resolve(Safetensors.MODEL_FILE))) {
            assertNull(r.info("lm_head.weight"));
            assertArrayEquals(new long[]{16}, r.info("model.layers.1.self_attn.k_proj.bias").shape());
        }
        JsonNode json = configJson(dir);
        assertEquals("Qwen2ForCausalLM", json.get("architectures").get(0).asText());
        assertEquals(299, json.get("eos_token_id").asInt(), "a single eos id is an int");
        assertNull(json.get("bos_token_id"));

        LoadedModel m = ModelLoader.load(dir);
        assertEquals(c, m.config());
        assertTrue(m.config().attentionBias() && m.config().tieWordEmbeddings());
        assertArrayEquals(w.data(), m.weights().data());
        TensorSlot qb = m.weights().layout().layer(1).bias(Projection.Q);
        assertEquals(w.data()[(int) qb.offset() + 5], m.weights().data()[(int) qb.offset() + 5]);
        assertEquals(m.weights().layout().embed(), m.weights().layout().lmHead());

        // Qwen2 without its biases is a broken checkpoint, not a Llama.
        editTensors(dir, ts -> ts.removeIf(t -> t.name().equals("model.layers.0.self_attn.v_proj.bias")));
        var e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir));
        assertTrue(e.getMessage().contains("'model.layers.0.self_attn.v_proj.bias'"), e.getMessage());
    }

    @Test
    void missingLmHeadTiesEvenIfConfigSaysUntied() throws IOException {
        ModelConfig tied = ODD.withTiedEmbeddings(true);
        Path dir = written(tied, 12);
        ObjectNode json = configJson(dir);
        json.put("tie_word_embeddings", false);
        saveConfig(dir, json);
        LoadedModel m = ModelLoader.load(dir);
        assertTrue(m.config().tieWordEmbeddings());
        assertArrayEquals(TestFiles.randomWeights(tied, 12).data(), m.weights().data());
    }

    @Test
    void tiedConfigIgnoresAStoredHead() throws IOException {
        Path dir = written(ODD, 13);
        ObjectNode json = configJson(dir);
        json.put("tie_word_embeddings", true);
        saveConfig(dir, json);
        LoadedModel m = ModelLoader.load(dir);
        assertTrue(m.config().tieWordEmbeddings());
        assertNull(m.weights().layout().get("lm_head.weight"));
    }

    @Test
    void bf16ModelLoadsAsRoundedFloats() throws IOException {
        ModelWeights w = TestFiles.randomWeights(ODD, 14);
        Path dir = tmp.resolve("bf16");
        ModelWriter.write(dir, ODD, w, null, DType.BF16);
        assertEquals("bfloat16", configJson(dir).get("torch_dtype").asText());
        float[] got = ModelLoader.load(dir).weights().data();
        for (int i = 0; i < got.length; i++) {
            assertEquals(Float.intBitsToFloat(Safetensors.toBf16(w.data()[i]) << 16), got[i], 0f, "element " + i);
        }
    }

    @Test
    void shardedModelLoads() throws IOException {
        ModelWeights w = TestFiles.randomWeights(ODD, 15);
        Path dir = written(ODD, 15);
        Files.delete(dir.resolve(Safetensors.MODEL_FILE));
        List<Safetensors.Tensor> all = ModelWriter.tensors(w);
        int half = all.size() / 2;
        Safetensors.write(dir.resolve("model-00001-of-00002.safetensors"), all.subList(0, half));
        Safetensors.write(dir.resolve("model-00002-of-00002.safetensors"), all.subList(half, all.size()));
        ObjectNode index = Safetensors.JSON.createObjectNode();
        ObjectNode map = index.putObject("weight_map");
        for (int i = 0; i < all.size(); i++) {
            map.put(all.get(i).name(), i < half ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        Safetensors.JSON.writeValue(dir.resolve(Safetensors.INDEX_FILE).toFile(), index);
        assertArrayEquals(w.data(), ModelLoader.load(dir).weights().data());
    }

    @Test
    void mistralConfigRoundTrip() throws IOException {
        ModelConfig c = new ModelConfig("mistral", 300, 32, 172, 1, 4, 1, 8, 1e-5, 1e6, 64, false, false, 1, List.of(2));
        Path dir = written(c, 16);
        assertEquals("MistralForCausalLM", configJson(dir).get("architectures").get(0).asText());
        assertEquals(c, ModelLoader.load(dir).config());
    }

    @Test
    void familiesReadHfFields() throws IOException {
        assertEquals(List.of("llama", "mistral", "qwen2"), ModelFamily.supportedModelTypes());
        JsonNode json = Safetensors.JSON.readTree("""
                {"model_type": "qwen2", "vocab_size": 300, "hidden_size": 32, "intermediate_size": 64,
                 "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
                 "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "max_position_embeddings": 4096,
                 "tie_word_embeddings": true, "bos_token_id": null, "eos_token_id": [7, 8], "rope_scaling": null}""");
        ModelConfig c = ModelFamily.forModelType("qwen2").readConfig(json, Path.of("config.json"));
        assertEquals(new ModelConfig("qwen2", 300, 32, 64, 1, 4, 2, 16, 1e-6, 1e6, 4096, true, true, -1, List.of(7, 8)), c);

        // HF Llama defaults for absent fields.
        JsonNode minimal = Safetensors.JSON.readTree("""
                {"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "intermediate_size": 12,
                 "num_hidden_layers": 1, "num_attention_heads": 2}""");
        ModelConfig l = ModelFamily.forModelType("llama").readConfig(minimal, Path.of("config.json"));
        assertEquals(new ModelConfig("llama", 10, 8, 12, 1, 2, 2, 4, 1e-6, 10000.0, 2048, false, false, 1, List.of(2)), l);
    }

    private ModelFormatException loadFails(Path dir) {
        return assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir));
    }

    @Test
    void configErrorsNameTheFileAndField() throws IOException {
        var e = loadFails(tmp);
        assertTrue(e.getMessage().contains(tmp.toString()) && e.getMessage().contains("config.json"), e.getMessage());

        Path dir = written(ODD, 17);
        Path cfg = dir.resolve("config.json");
        ObjectNode json = configJson(dir);

        saveConfig(dir, json.deepCopy().put("model_type", "gpt_neox"));
        e = loadFails(dir);
        assertTrue(e.getMessage().contains(cfg.toString()) && e.getMessage().contains("'gpt_neox'")
                && e.getMessage().contains("llama, mistral, qwen2"), e.getMessage());

        ObjectNode scaled = json.deepCopy();
        scaled.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0);
        saveConfig(dir, scaled);
        e = loadFails(dir);
        assertTrue(e.getMessage().contains(cfg.toString()) && e.getMessage().contains("rope_scaling")
                && e.getMessage().contains("not supported"), e.getMessage());

        ObjectNode noHidden = json.deepCopy();
        noHidden.remove("hidden_size");
        saveConfig(dir, noHidden);
        e = loadFails(dir);
        assertTrue(e.getMessage().contains(cfg.toString()) && e.getMessage().contains("'hidden_size'"), e.getMessage());

        saveConfig(dir, json.deepCopy().put("hidden_act", "gelu"));
        assertTrue(loadFails(dir).getMessage().contains("gelu"));

        saveConfig(dir, json.deepCopy().put("num_attention_heads", "four"));
        assertTrue(loadFails(dir).getMessage().contains("'num_attention_heads' must be an integer"));

        saveConfig(dir, json.deepCopy().put("num_key_value_heads", 3));
        assertTrue(loadFails(dir).getMessage().contains("num_key_value_heads"));

        saveConfig(dir, json.deepCopy().put("attention_bias", true));
        assertTrue(loadFails(dir).getMessage().contains("attention_bias"));

        Files.writeString(cfg, "{\"model_type\": ");
        e = loadFails(dir);
        assertTrue(e.getMessage().contains(cfg.toString()) && e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void tensorErrorsNameTheFileAndTensor() throws IOException {
        Path dir = written(ODD, 18);
        Path file = dir.resolve(Safetensors.MODEL_FILE);
        editTensors(dir, ts -> ts.removeIf(t -> t.name().equals("model.layers.1.mlp.down_proj.weight")));
        var e = loadFails(dir);
        assertTrue(e.getMessage().contains(dir.toString())
                && e.getMessage().contains("missing tensor 'model.layers.1.mlp.down_proj.weight'"), e.getMessage());

        Path dir2 = written(ODD, 19);
        ObjectNode json = configJson(dir2);
        saveConfig(dir2, json.put("intermediate_size", 176));
        e = loadFails(dir2);
        assertTrue(e.getMessage().contains(dir2.resolve(Safetensors.MODEL_FILE).toString())
                && e.getMessage().contains("'model.layers.0.mlp.gate_proj.weight'")
                && e.getMessage().contains("[172, 32]") && e.getMessage().contains("[176, 32]"), e.getMessage());

        // Undeclared biases change the model: refused, not ignored.
        Path dir3 = written(ODD, 20);
        editTensors(dir3, ts -> ts.add(Safetensors.Tensor.of("model.layers.0.self_attn.o_proj.bias", new float[32], 32)));
        e = loadFails(dir3);
        assertTrue(e.getMessage().contains("'model.layers.0.self_attn.o_proj.bias'"), e.getMessage());

        // Corrupt header through the loader.
        Files.write(file, new byte[]{(byte) 0xff, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        Files.delete(dir.resolve("config.json"));
        Files.copy(dir2.resolve("config.json"), dir.resolve("config.json"));
        e = loadFails(dir);
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("corrupt header length"), e.getMessage());
    }

    @Test
    void unsupportedDtypeInAModelIsNamed() throws IOException {
        ModelConfig c = new ModelConfig("llama", 4, 2, 2, 1, 1, 1, 2, 1e-5, 1e4, 8, true, false, -1, List.of());
        Path dir = written(c, 21);
        // Rewrite with every tensor as F32 except the final norm, stored as I32 (same byte size).
        List<String> header = new ArrayList<>();
        long pos = 0;
        for (TensorSlot s : dev.distillery.trainers.model.ParameterLayout.of(c).tensors()) {
            String dt = s.name().equals("model.norm.weight") ? "I32" : "F32";
            header.add("\"" + s.name() + "\": {\"dtype\": \"" + dt + "\", \"shape\": " + java.util.Arrays.toString(s.shape())
                    + ", \"data_offsets\": [" + pos + ", " + (pos + 4 * s.size()) + "]}");
            pos += 4 * s.size();
        }
        Path f = TestFiles.raw(dir.resolve(Safetensors.MODEL_FILE), "{" + String.join(", ", header) + "}", (int) pos);
        var e = loadFails(dir);
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("'model.norm.weight'")
                && e.getMessage().contains("unsupported dtype I32"), e.getMessage());
    }

    @Test
    void extraTensorsAreIgnored() throws IOException {
        Path dir = written(ODD, 22);
        editTensors(dir, ts -> ts.add(Safetensors.Tensor.of("model.layers.0.self_attn.rotary_emb.inv_freq", new float[4], 4)));
        assertArrayEquals(TestFiles.randomWeights(ODD, 22).data(), ModelLoader.load(dir).weights().data());
    }

    @Test
    void writerRefusesNonEmptyTargetAndMismatchedWeights() throws IOException {
        Path dir = written(ODD, 23);
        byte[] before = Files.readAllBytes(dir.resolve(Safetensors.MODEL_FILE));
        var e = assertThrows(ModelFormatException.class,
                () -> ModelWriter.write(dir, ODD, TestFiles.randomWeights(ODD, 24), null));
        assertTrue(e.getMessage().contains("not an empty directory"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(Safetensors.MODEL_FILE)));

        Path empty = Files.createDirectory(tmp.resolve("empty"));
        ModelWriter.write(empty, ODD, TestFiles.randomWeights(ODD, 25), null);
        assertNotNull(ModelLoader.load(empty));

        assertThrows(IllegalArgumentException.class,
                () -> ModelWriter.write(tmp.resolve("x"), ODD.withTiedEmbeddings(true), TestFiles.randomWeights(ODD, 1), null));
        ModelConfig badQwen = new ModelConfig("qwen2", 4, 2, 2, 1, 1, 1, 2, 1e-5, 1e4, 8, true, false, -1, List.of());
        assertThrows(IllegalArgumentException.class,
                () -> ModelWriter.write(tmp.resolve("y"), badQwen, TestFiles.randomWeights(badQwen, 1), null));
        assertFalse(Files.exists(tmp.resolve("y")));
    }
}
