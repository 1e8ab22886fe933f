package dev.distillery.trainers.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.trainers.model.LoraConfig;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.model.Projection;
import dev.distillery.trainers.model.TensorSlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeftAdapterTest {

    @TempDir
    Path tmp;

    static final ModelConfig BASE = ModelIoTest.ODD;
    static final LoraConfig LORA = new LoraConfig(4, 8, 0.05, EnumSet.of(Projection.Q, Projection.V, Projection.O,
            Projection.DOWN), false);

    @Test
    void adapterRoundTrips() throws IOException {
        LoraLayout layout = LoraLayout.of(BASE, LORA);
        float[] w = TestFiles.random(31, layout.size());
        Path dir = tmp.resolve("adapter");
        PeftAdapter.write(dir, layout, w, "org/base-model");

        JsonNode c = Safetensors.JSON.readTree(dir.resolve(PeftAdapter.CONFIG_FILE).toFile());
        assertEquals("LORA", c.get("peft_type").asText());
        assertEquals("CAUSAL_LM", c.get("task_type").asText());
        assertEquals("org/base-model", c.get("base_model_name_or_path").asText());
        assertEquals(4, c.get("r").asInt());
        assertEquals(8.0, c.get("lora_alpha").asDouble());
        assertEquals(0.05, c.get("lora_dropout").asDouble());
        assertEquals("[\"q_proj\",\"v_proj\",\"o_proj\",\"down_proj\"]", c.get("target_modules").toString());
        assertEquals("none", c.get("bias").asText());
        assertFalse(c.get("use_rslora").asBoolean());
        assertFalse(c.get("fan_in_fan_out").asBoolean());
        assertTrue(c.get("init_lora_weights").asBoolean());
        assertTrue(c.get("inference_mode").asBoolean());
        assertTrue(c.get("modules_to_save").isNull());

        try (Safetensors.Reader r = Safetensors.open(dir.resolve(PeftAdapter.WEIGHTS_FILE))) {
            assertEquals(layout.tensors().stream().map(TensorSlot::name).toList(),
                    r.tensors().stream().map(Safetensors.TensorInfo::name).toList());
            assertArrayEquals(new long[]{4, 32}, r.info("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight").shape());
            assertArrayEquals(new long[]{16, 4}, r.info("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight").shape());
            assertArrayEquals(new long[]{4, 172}, r.info("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight").shape());
        }

        PeftAdapter.Loaded a = PeftAdapter.read(dir, BASE);
        assertEquals(LORA, a.config());
        assertEquals("org/base-model", a.baseModel());
        assertArrayEquals(w, a.weights());
        assertEquals(layout.tensors(), a.layout().tensors());
    }

    @Test
    void readsRsloraAndAllLinear() throws IOException {
        LoraConfig rs = new LoraConfig(2, 4, 0, EnumSet.allOf(Projection.class), true);
        LoraLayout layout = LoraLayout.of(BASE, rs);
        Path dir = tmp.resolve("rs");
        PeftAdapter.write(dir, layout, TestFiles.random(32, layout.size()), null);
        ObjectNode c = (ObjectNode) Safetensors.JSON.readTree(dir.resolve(PeftAdapter.CONFIG_FILE).toFile());
        c.put("target_modules", "all-linear");
        Safetensors.JSON.writeValue(dir.resolve(PeftAdapter.CONFIG_FILE).toFile(), c);
        PeftAdapter.Loaded a = PeftAdapter.read(dir, BASE);
        assertEquals(rs, a.config());
        assertEquals(4 / Math.sqrt(2), a.config().scale(), 1e-12);
    }

    @Test
    void mismatchesAreNamed() throws IOException {
        LoraLayout layout = LoraLayout.of(BASE, LORA);
        Path dir = tmp.resolve("a");
        PeftAdapter.write(dir, layout, TestFiles.random(33, layout.size()), "base");
        Path file = dir.resolve(PeftAdapter.WEIGHTS_FILE);

        // A base with a different hidden size: the first A matrix has the wrong width.
        ModelConfig other = new ModelConfig("llama", 300, 48, 172, 2, 4, 2, 8, 1e-5, 1e4, 128, false, false, -1, List.of());
        var e = assertThrows(ModelFormatException.class, () -> PeftAdapter.read(dir, other));
        assertTrue(e.getMessage().contains(file.toString())
                && e.getMessage().contains("'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight'"), e.getMessage());

        // A one-layer base: layer 1's tensors are unexpected.
        ModelConfig oneLayer = new ModelConfig("llama", 300, 32, 172, 1, 4, 2, 8, 1e-5, 1e4, 128, false, false, -1, List.of());
        e = assertThrows(ModelFormatException.class, () -> PeftAdapter.read(dir, oneLayer));
        assertTrue(e.getMessage().contains("unexpected tensor 'base_model.model.model.layers.1."), e.getMessage());

        ObjectNode c = (ObjectNode) Safetensors.JSON.readTree(dir.resolve(PeftAdapter.CONFIG_FILE).toFile());
        Path cfg = dir.resolve(PeftAdapter.CONFIG_FILE);
        Safetensors.JSON.writeValue(cfg.toFile(), c.deepCopy().put("use_dora", true));
        e = assertThrows(ModelFormatException.class, () -> PeftAdapter.read(dir, BASE));
        assertTrue(e.getMessage().contains(cfg.toString()) && e.getMessage().contains("use_dora"), e.getMessage());

        Safetensors.JSON.writeValue(cfg.toFile(), c.deepCopy().put("peft_type", "IA3"));
        assertTrue(assertThrows(ModelFormatException.class, () -> PeftAdapter.read(dir, BASE)).getMessage().contains("IA3"));

        ObjectNode lmHead = c.deepCopy();
        lmHead.putArray("target_modules").add("q_proj").add("lm_head");
        Safetensors.JSON.writeValue(cfg.toFile(), lmHead);
        assertTrue(assertThrows(ModelFormatException.class, () -> PeftAdapter.read(dir, BASE)).getMessage().contains("lm_head"));

        // Fewer targets in the config than tensors in the file.
        ObjectNode fewer = c.deepCopy();
        fewer.putArray("target_modules").add("q_proj").add("v_proj").add("o_proj");
        Safetensors.JSON.writeValue(cfg.toFile(), fewer);
        e = assertThrows(ModelFormatException.class, () -> PeftAdapter.read(dir, BASE));
        assertTrue(e.getMessage().contains("unexpected tensor") && e.getMessage().contains("down_proj"), e.getMessage());
    }

    @Test
    void mergeIsWPlusScaledBA() {
        ModelWeights base = TestFiles.randomWeights(BASE, 34);
        LoraLayout layout = LoraLayout.of(BASE, LORA);
        float[] lora = TestFiles.random(35, layout.size());
        ModelWeights merged = PeftAdapter.merge(base, layout, lora);
        float[] before = base.data().clone();
        assertArrayEquals(before, TestFiles.randomWeights(BASE, 34).data(), "base is not modified");

        double s = LORA.scale();
        assertEquals(2.0, s);
        int adapted = 0;
        for (int l = 0; l < BASE.numLayers(); l++) {
            for (Projection p : Projection.values()) {
                TensorSlot ws = base.layout().layer(l).weight(p);
                LoraLayout.Adapter ad = layout.adapter(l, p);
                for (int o = 0; o < ws.rows(); o++) {
                    for (int i = 0; i < ws.cols(); i++) {
                        int idx = (int) ws.offset() + o * ws.cols() + i;
                        if (ad == null) {
                            assertEquals(before[idx], merged.data()[idx], 0f, ws.name());
                            continue;
                        }
                        double ba = 0;
                        for (int k = 0; k < LORA.rank(); k++) {
                            ba += (double) lora[(int) ad.b().offset() + o * LORA.rank() + k]
                                    * lora[(int) ad.a().offset() + k * ws.cols() + i];
                        }
                        double expected = before[idx] + s * ba;
                        assertEquals(expected, merged.data()[idx], 1e-5 * (1 + Math.abs(expected)), ws.name() + "[" + o + "," + i + "]");
                        adapted++;
                    }
                }
            }
        }
        assertEquals(2 * (32 * 32 + 16 * 32 + 32 * 32 + 32 * 172), adapted);
        // Norms and embeddings are untouched.
        TensorSlot e = base.layout().embed();
        assertEquals(before[(int) e.offset() + 3], merged.data()[(int) e.offset() + 3], 0f);
        assertNotEquals(before[(int) base.layout().layer(0).weight(Projection.Q).offset()],
                merged.data()[(int) base.layout().layer(0).weight(Projection.Q).offset()]);
    }

    @Test
    void mergeWithZeroBIsTheBase() {
        ModelWeights base = TestFiles.randomWeights(BASE, 36);
        LoraLayout layout = LoraLayout.of(BASE, LORA);
        float[] lora = TestFiles.random(37, layout.size());
        for (LoraLayout.Adapter ad : layout.adapters()) {
            java.util.Arrays.fill(lora, (int) ad.b().offset(), (int) (ad.b().offset() + ad.b().size()), 0f);
        }
        assertArrayEquals(base.data(), PeftAdapter.merge(base, layout, lora).data());
    }
}
