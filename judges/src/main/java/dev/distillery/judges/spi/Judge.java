package dev.distillery.judges.spi;

/**
 * Scores one answer. Implementations must be safe to call from several threads and must report failures as
 * {@link Verdict.Failed} rather than throw.
 */
public interface Judge {

    /** The judge's identity as stored on records, e.g. {@code single-grade:gpt-4o-mini}. */
    String name();

    Verdict judge(JudgeInput input);
}
