/**
 * Verifiers: exact, model-free checks of an answer that score 1 (pass) or 0 (fail) with a rationale — numeric final
 * answers ({@link dev.distillery.judges.verify.NumericVerifier}), string match, regex, JSON Schema validity and
 * IFEval-style instruction constraints. Each has a {@link dev.distillery.judges.spi.JudgeProvider} registered under
 * a short name ({@code numeric}, {@code match}, {@code regex}, {@code json-schema}, {@code instructions}); settings
 * and defaults are in docs/verifiers.md.
 *
 * <pre>{@code Verifier v = NumericVerifier.builder().build();
 * Verdict verdict = v.judge(new JudgeInput(question, answer, "#### 42"));}</pre>
 */
package dev.distillery.judges.verify;
