package dev.distillery.trainers.model;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * LoRA settings in PEFT's terms.
 *
 * <pre>{@code
 * LoraConfig lora = new LoraConfig(8, 16, 0.0, EnumSet.of(Projection.Q, Projection.K, Projection.V, Projection.O), false);
 * }</pre>
 *
 * @param rank    r
 * @param alpha   lora_alpha; the update is scaled by alpha / r (alpha / sqrt(r) with rsLoRA)
 * @param dropout dropout on the LoRA path's input during training
 * @param targets adapted projections
 * @param rslora  use rank-stabilised scaling
 */
public record LoraConfig(int rank, double alpha, double dropout, Set<Projection> targets, boolean rslora) {

    public LoraConfig {
        if (rank < 1) throw new IllegalArgumentException("LoRA rank must be >= 1, got " + rank);
        if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        if (targets == null || targets.isEmpty()) throw new IllegalArgumentException("LoRA needs at least one target module");
        targets = Set.copyOf(EnumSet.copyOf(targets));
    }

    /** PEFT's scaling factor s. */
    public double scale() {
        return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    /** Target names as PEFT writes them, in projection order. */
    public List<String> targetModules() {
        return EnumSet.copyOf(targets).stream().map(Projection::module).toList();
    }
}
