package dev.distillery.judges.spi;

/** Compares two answers to one prompt. Thread-safe; failures are {@link PairwiseVerdict.Failed}, not exceptions. */
public interface PairwiseJudge {

    String name();

    PairwiseVerdict compare(PairInput input);
}
