package dev.distillery.trainers.model;

import java.util.Arrays;

/**
 * Where one named tensor lives inside a flat parameter buffer.
 *
 * @param name   Hugging Face (or PEFT) tensor name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param offset first element in the flat buffer
 * @param shape  row-major shape; linear weights are {@code [out, in]}
 */
public record TensorSlot(String name, long offset, int[] shape) {

    public long size() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public int rows() {
        return shape[0];
    }

    /** Columns of a 2-D tensor, 1 for a vector. */
    public int cols() {
        return shape.length > 1 ? shape[1] : 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSlot t && t.name.equals(name) && t.offset == offset && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + "@" + offset;
    }
}
