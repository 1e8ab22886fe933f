package dev.distillery.judges.spi;

/**
 * What a pairwise judge compares: two answers to one prompt.
 *
 * @param prompt    the instruction both answers respond to
 * @param first     answer A
 * @param second    answer B
 * @param reference a reference answer; may be null
 */
public record PairInput(String prompt, String first, String second, String reference) {
}
