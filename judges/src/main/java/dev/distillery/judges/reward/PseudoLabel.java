package dev.distillery.judges.reward;

/**
 * A label the reward model gave itself for one unlabelled pair during self-training.
 *
 * <pre>{@code result.pseudoLabels().stream().filter(PseudoLabel::firstPreferred).count()}</pre>
 *
 * @param index          position of the pair in the unlabelled list
 * @param firstPreferred whether the pair's first answer was labelled the better one
 * @param probability    P(first ≻ second), averaged over both presentation orders
 * @param confidence     what the selection used: max(p, 1−p), or the ensemble's T-similarity
 */
public record PseudoLabel(int index, boolean firstPreferred, double probability, double confidence) {
}
