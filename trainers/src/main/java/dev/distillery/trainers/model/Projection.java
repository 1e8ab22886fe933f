package dev.distillery.trainers.model;

import java.util.Locale;

/** The seven linear projections of a Llama decoder layer, with their Hugging Face module names and shapes. */
public enum Projection {
    Q("self_attn", "q_proj"), K("self_attn", "k_proj"), V("self_attn", "v_proj"), O("self_attn", "o_proj"),
    GATE("mlp", "gate_proj"), UP("mlp", "up_proj"), DOWN("mlp", "down_proj");

    private final String parent;
    private final String module;

    Projection(String parent, String module) {
        this.parent = parent;
        this.module = module;
    }

    /** PEFT's target-module name, e.g. {@code q_proj}. */
    public String module() {
        return module;
    }

    /** {@code model.layers.3.self_attn.q_proj} */
    public String path(int layer) {
        return "model.layers." + layer + "." + parent + "." + module;
    }

    public int in(ModelConfig c) {
        return switch (this) {
            case Q, K, V, GATE, UP -> c.hiddenSize();
            case O -> c.qDim();
            case DOWN -> c.intermediateSize();
        };
    }

    public int out(ModelConfig c) {
        return switch (this) {
            case Q -> c.qDim();
            case K, V -> c.kvDim();
            case O, DOWN -> c.hiddenSize();
            case GATE, UP -> c.intermediateSize();
        };
    }

    /** The projection for a PEFT module name ({@code q_proj}); throws with the known names otherwise. */
    public static Projection ofModule(String name) {
        for (Projection p : values()) {
            if (p.module.equals(name.toLowerCase(Locale.ROOT))) return p;
        }
        throw new IllegalArgumentException("unknown target module '" + name + "', expected one of q_proj, k_proj, "
                + "v_proj, o_proj, gate_proj, up_proj, down_proj (or all-linear)");
    }
}
