/**
 * Judges: the {@link dev.distillery.judges.Judges} registry and facade (find a provider by name, build a judge from a
 * {@link dev.distillery.judges.spi.JudgeConfig}, apply it to a record), over the SPI in {@code spi}. LLM judges live in
 * {@code llm}, juries in {@code jury}; verifiers, filters, the reward model and report cards in their own packages.
 *
 * <pre>{@code Judged<Verdict> j = Judges.apply(Judges.judge("single-grade", config), record);}</pre>
 */
package dev.distillery.judges;
