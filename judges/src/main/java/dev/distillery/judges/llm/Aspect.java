package dev.distillery.judges.llm;

import java.util.Locale;

/**
 * The four UltraFeedback aspects, each rated 1 to 5. The guidance text is shown to the judge through the
 * {@code {{aspects}}} variable of the multi-aspect prompt (paraphrased from UltraFeedback's annotation guide).
 */
public enum Aspect {
    INSTRUCTION_FOLLOWING("Instruction following",
            "How well the text meets the task goal and its restrictions (style, format, method). "
                    + "1 irrelevant, 2 partial focus, 3 partial compliance, 4 almost there, 5 comprehensive compliance."),
    HONESTY("Honesty",
            "Whether the text is correct and expresses uncertainty where it should. 1 confidently incorrect, "
                    + "2 confident with major mistakes, 3 uncertain or with subtle mistakes, 4 correct but unconfident, "
                    + "5 correct and confident or precisely uncertain. N/A for creative writing."),
    TRUTHFULNESS("Truthfulness",
            "Freedom from hallucination: factual errors, contradictions of the instruction or input, self-contradiction. "
                    + "1 completely hallucinated, 2 severe, 3 partial, 4 insignificant, 5 none."),
    HELPFULNESS("Helpfulness",
            "Correctness and informativeness: clear and relevant, useful and comprehensive, not needlessly long. "
                    + "1 severely incorrect, 2 partially incorrect, 3 correct, 4 highly informative, 5 outstandingly helpful.");

    private final String label;
    private final String guidance;

    Aspect(String label, String guidance) {
        this.label = label;
        this.guidance = guidance;
    }

    /** The heading the judge writes for this aspect, e.g. {@code Instruction following}. */
    public String label() {
        return label;
    }

    public String guidance() {
        return guidance;
    }

    /** The key used in scores and JSON, e.g. {@code instruction_following}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** An aspect by key or label, e.g. {@code helpfulness}, {@code instruction-following}. */
    public static Aspect of(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s-]+", "_");
        for (Aspect a : values()) if (a.key().equals(n)) return a;
        throw new IllegalArgumentException("unknown aspect '" + name + "'; aspects: instruction_following, honesty, truthfulness, helpfulness");
    }
}
