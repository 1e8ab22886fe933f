package dev.distillery.judges.llm;

/**
 * Whether a judge grades against the input's reference answer. Reference-guided grading is what makes LLM judges
 * usable on math, reasoning and code, where an unaided judge often accepts a wrong answer.
 */
public enum ReferenceMode {
    /** Use the reference-guided prompt when the input has a reference, the plain one otherwise. */
    AUTO,
    /** Always use the reference-guided prompt; an input without a reference is a recorded failure. */
    REQUIRED,
    /** Never show the reference. */
    IGNORE;

    /** Whether to show the reference for this input; null when a required reference is missing. */
    Boolean use(String reference) {
        boolean present = reference != null && !reference.isBlank();
        return switch (this) {
            case AUTO -> present;
            case IGNORE -> false;
            case REQUIRED -> present ? Boolean.TRUE : null;
        };
    }
}
