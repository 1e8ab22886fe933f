package dev.distillery.trainers.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LoRA matrices of a model in one flat buffer, named as PEFT saves them
 * ({@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}). A is {@code [r, in]}, B is {@code [out, r]}.
 *
 * <pre>{@code
 * LoraLayout lora = LoraLayout.of(config, loraConfig);
 * LoraLayout.Adapter qa = lora.adapter(0, Projection.Q);   // null when q_proj is not a target
 * }</pre>
 */
public final class LoraLayout {

    /** The A/B pair adapting one projection of one layer. */
    public record Adapter(int layer, Projection projection, TensorSlot a, TensorSlot b) {
    }

    private final LoraConfig lora;
    private final List<Map<Projection, Adapter>> byLayer = new ArrayList<>();
    private final Map<String, TensorSlot> byName = new LinkedHashMap<>();
    private long size;

    private LoraLayout(ModelConfig c, LoraConfig lora) {
        this.lora = lora;
        for (int i = 0; i < c.numLayers(); i++) {
            Map<Projection, Adapter> m = new EnumMap<>(Projection.class);
            for (Projection p : Projection.values()) {
                if (!lora.targets().contains(p)) continue;
                String base = "base_model.model." + p.path(i);
                TensorSlot a = add(base + ".lora_A.weight", lora.rank(), p.in(c));
                TensorSlot b = add(base + ".lora_B.weight", p.out(c), lora.rank());
                m.put(p, new Adapter(i, p, a, b));
            }
            byLayer.add(Collections.unmodifiableMap(m));
        }
    }

    public static LoraLayout of(ModelConfig config, LoraConfig lora) {
        return new LoraLayout(config, lora);
    }

    private TensorSlot add(String name, int... shape) {
        TensorSlot s = new TensorSlot(name, size, shape);
        byName.put(name, s);
        size += s.size();
        return s;
    }

    public LoraConfig config() {
        return lora;
    }

    public int size() {
        return (int) size;
    }

    /** The adapter on {@code p} in {@code layer}, or null when {@code p} is not a target. */
    public Adapter adapter(int layer, Projection p) {
        return byLayer.get(layer).get(p);
    }

    public List<Adapter> adapters() {
        return byLayer.stream().flatMap(m -> m.values().stream()).toList();
    }

    public List<TensorSlot> tensors() {
        return List.copyOf(byName.values());
    }

    public TensorSlot get(String name) {
        return byName.get(name);
    }
}
