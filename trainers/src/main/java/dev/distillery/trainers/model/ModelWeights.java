package dev.distillery.trainers.model;

import java.util.Objects;

/**
 * A model's base weights in float32, in the flat {@link ParameterLayout} buffer. Linear weights are {@code [out, in]}
 * row-major (Hugging Face layout).
 *
 * <pre>{@code
 * ModelWeights w = ModelWeights.zeros(config);
 * TensorSlot e = w.layout().embed();
 * float first = w.data()[(int) e.offset()];
 * }</pre>
 */
public record ModelWeights(ParameterLayout layout, float[] data) {

    public ModelWeights {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(data, "data");
        if (data.length != layout.size()) {
            throw new IllegalArgumentException("weights hold " + data.length + " floats, layout needs " + layout.size());
        }
    }

    public static ModelWeights zeros(ModelConfig config) {
        ParameterLayout layout = ParameterLayout.of(config);
        return new ModelWeights(layout, new float[layout.size()]);
    }

    public ModelConfig config() {
        return layout.config();
    }
}
