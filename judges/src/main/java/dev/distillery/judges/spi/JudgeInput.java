package dev.distillery.judges.spi;

/**
 * What a single-answer judge or verifier looks at.
 *
 * @param prompt    the instruction the answer responds to
 * @param response  the answer being judged
 * @param reference a reference answer (for verifiers and reference-guided grading); may be null
 */
public record JudgeInput(String prompt, String response, String reference) {
}
