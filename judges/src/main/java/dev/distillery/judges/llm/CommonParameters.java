package dev.distillery.judges.llm;

import dev.distillery.judges.spi.JudgeParameter;

/** Settings shared by the LLM judge providers, so that they are spelt and documented the same way everywhere. */
final class CommonParameters {
    private CommonParameters() {
    }

    static final JudgeParameter NAME = new JudgeParameter("name",
            "identity stored with each score; default <provider>:<model name>", "");
    static final JudgeParameter TEMPERATURE = new JudgeParameter("temperature",
            "sampling temperature of the judge model (0 = deterministic judging)", "0");
    static final JudgeParameter ATTEMPTS = new JudgeParameter("attempts",
            "how many times to ask when a call fails or the verdict does not parse, before recording a failure", "2");
    static final JudgeParameter MAX_TOKENS = new JudgeParameter("max-tokens",
            "cap on the judge's reply length in tokens", "1024");
    static final JudgeParameter REFERENCE = new JudgeParameter("reference",
            "auto: reference-guided prompt when the input has a reference; required: fail without one; ignore", "auto");

    static String nameOrNull(dev.distillery.judges.JudgeSettings s) {
        String n = s.string(NAME.name()).strip();
        return n.isEmpty() ? null : n;
    }
}
