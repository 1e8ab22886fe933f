package dev.distillery.judges.spi;

import java.util.List;

/**
 * The plugin unit for judges: registered in {@code META-INF/services/dev.distillery.judges.spi.JudgeProvider} and
 * discovered through {@link dev.distillery.datasets.spi.Plugins}. One provider builds one kind of judge from a
 * {@link JudgeConfig}.
 */
public interface JudgeProvider {

    /** What a provider builds. */
    enum Kind { JUDGE, PAIRWISE, VERIFIER }

    /** The name a judge config refers to, e.g. {@code numeric} or {@code pairwise}. */
    String name();

    String description();

    Kind kind();

    List<JudgeParameter> parameters();

    /**
     * Settings that make a working judge when the defaults alone do not (a verifier that needs at least one
     * constraint, say): shown as an example by {@code distillery plugins} and used by the conformance tests.
     */
    default java.util.Map<String, Object> exampleSettings() {
        return java.util.Map.of();
    }

    /** Builds a single-answer judge or verifier; only for {@link Kind#JUDGE} and {@link Kind#VERIFIER}. */
    default Judge createJudge(JudgeConfig config) {
        throw new UnsupportedOperationException(name() + " is a " + kind() + " provider, not a single-answer judge");
    }

    /** Builds a pairwise judge; only for {@link Kind#PAIRWISE}. */
    default PairwiseJudge createPairwise(JudgeConfig config) {
        throw new UnsupportedOperationException(name() + " is a " + kind() + " provider, not a pairwise judge");
    }
}
