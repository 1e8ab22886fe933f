package dev.distillery.judges.spi;

/**
 * An exact check of an answer (against a reference or a constraint): score 1 when it passes, 0 when it fails.
 * Deterministic and model-free, so its verdicts can be used as labels to measure LLM judges against.
 */
public interface Verifier extends Judge {
}
