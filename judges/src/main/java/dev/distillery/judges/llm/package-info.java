/**
 * LLM judges: MT-Bench single-answer and pairwise grading (with {@link dev.distillery.judges.llm.PositionSwap}),
 * Prometheus rubric grading, UltraFeedback multi-aspect grading and self-evaluation P(True); their prompts
 * ({@link dev.distillery.judges.llm.PromptTemplate}, overridable resource files), rubrics and verdict parsers
 * ({@link dev.distillery.judges.llm.VerdictParsers}).
 */
package dev.distillery.judges.llm;
