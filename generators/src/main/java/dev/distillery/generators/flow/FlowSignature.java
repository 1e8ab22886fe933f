package dev.distillery.generators.flow;

import java.util.List;
import java.util.Objects;

/**
 * What a flow reads and writes, and which models it needs.
 *
 * <pre>{@code new FlowSignature(List.of("text", "chat"), List.of("instruction"), List.of(ModelRole.required("teacher", "writes tasks")))}</pre>
 *
 * @param inputTypes  payload types ({@code text}, {@code chat}, ...) it accepts; other inputs become dead letters
 * @param outputKinds record kinds it writes
 * @param models      the model roles it calls; empty for flows that call no model
 */
public record FlowSignature(List<String> inputTypes, List<String> outputKinds, List<ModelRole> models) {

    public FlowSignature {
        inputTypes = List.copyOf(inputTypes);
        outputKinds = List.copyOf(outputKinds);
        models = List.copyOf(models);
    }

    /** The role {@code role} falls back to, or null when it has none or is not declared. */
    public String fallbackOf(String role) {
        for (ModelRole m : models) if (m.name().equals(role)) return m.fallback();
        return null;
    }

    /**
     * A model role a flow calls.
     *
     * @param name        e.g. {@code teacher}, {@code student}, {@code editor}
     * @param description what the model does in this flow
     * @param fallback    the role used when this one is not configured, or null
     * @param required    whether a run without a model for it (or its fallback) is a configuration error
     */
    public record ModelRole(String name, String description, String fallback, boolean required) {
        public ModelRole {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
        }

        public static ModelRole required(String name, String description) {
            return new ModelRole(name, description, null, true);
        }

        /** A role that uses {@code fallback}'s model unless configured; required when the fallback is. */
        public static ModelRole withFallback(String name, String description, String fallback) {
            return new ModelRole(name, description, fallback, true);
        }

        /** A role a run may leave out (the flow then does not call it). */
        public static ModelRole optional(String name, String description) {
            return new ModelRole(name, description, null, false);
        }
    }
}
