package dev.distillery.judges.verify;

import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Checks a math answer against a reference: GSM8K-style ({@code #### 42} marker, else the last number) or MATH-style
 * ({@code \boxed{...}}), compared numerically within a tolerance, or as normalised TeX when either side is not a
 * number. The rationale says what was extracted from both sides and how they compared.
 *
 * <pre>{@code
 * Verifier v = NumericVerifier.builder().format(NumericVerifier.AnswerFormat.AUTO).absTolerance(1e-6).build();
 * Verdict verdict = v.judge(new JudgeInput(question, "... so the answer is \\boxed{\\frac12}", "0.5"));
 * }</pre>
 */
public final class NumericVerifier implements Verifier {

    /** Where the answer is taken from. */
    public enum AnswerFormat {
        /** {@code \boxed{}} when present, else the GSM8K rule. */
        AUTO,
        /** {@code ####} marker first, else the last number in the text. */
        GSM8K,
        /** Only a {@code \boxed{}} answer counts; none is a failure. */
        BOXED,
        /** The last number in the text, ignoring markers. */
        LAST_NUMBER
    }

    private final String name;
    private final AnswerFormat format;
    private final double absTolerance;
    private final double relTolerance;
    private final String fixedReference;

    private NumericVerifier(Builder b) {
        this.format = b.format;
        this.absTolerance = b.absTolerance;
        this.relTolerance = b.relTolerance;
        this.fixedReference = b.reference;
        this.name = "numeric:" + format.name().toLowerCase(Locale.ROOT);
        if (absTolerance < 0 || relTolerance < 0) throw new IllegalArgumentException("tolerances must be >= 0");
        if (fixedReference != null) {
            String problem = referenceProblem(fixedReference);
            if (problem != null) throw new IllegalArgumentException("reference: " + problem);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Verdict judge(JudgeInput input) {
        String referenceText = fixedReference != null ? fixedReference : input.reference();
        if (referenceText == null || referenceText.isBlank()) {
            return new Verdict.Failed(name, "no reference answer to compare with", null);
        }
        String problem = referenceProblem(referenceText);
        if (problem != null) return new Verdict.Failed(name, "reference: " + problem, referenceText);
        String reference = referenceAnswer(referenceText);
        String response = input.response() == null ? "" : input.response();
        String extracted = responseAnswer(response);
        if (extracted == null) {
            String where = format == AnswerFormat.BOXED ? "no \\boxed{} answer" : "no number";
            return fail(where + " in the response; reference " + show(reference));
        }
        OptionalDouble got = NumericAnswers.value(extracted);
        OptionalDouble want = NumericAnswers.value(reference);
        if (got.isPresent() && want.isPresent()) {
            double diff = Math.abs(got.getAsDouble() - want.getAsDouble());
            double allowed = Math.max(absTolerance, relTolerance * Math.abs(want.getAsDouble()));
            String detail = "extracted " + show(extracted) + " = " + fmt(got.getAsDouble()) + ", reference "
                    + show(reference) + " = " + fmt(want.getAsDouble()) + ", |difference| " + fmt(diff)
                    + (diff <= allowed ? " <= " : " > ") + "tolerance " + fmt(allowed);
            return diff <= allowed ? pass(detail) : fail(detail);
        }
        // At least one side is not a plain number (e.g. \sqrt{2}, an interval): compare normalised TeX.
        String a = NumericAnswers.normalise(extracted);
        String b = NumericAnswers.normalise(reference);
        String detail = "extracted " + show(extracted) + ", reference " + show(reference) + "; compared as normalised"
                + " text " + show(a) + (a.equals(b) ? " == " : " != ") + show(b);
        return a.equals(b) ? pass(detail) : fail(detail);
    }

    private String responseAnswer(String response) {
        return switch (format) {
            case BOXED -> NumericAnswers.boxed(response);
            case LAST_NUMBER -> NumericAnswers.lastNumber(response);
            case GSM8K -> gsm8k(response);
            case AUTO -> {
                String boxed = NumericAnswers.boxed(response);
                yield boxed != null ? boxed : gsm8k(response);
            }
        };
    }

    private static String gsm8k(String text) {
        String marked = NumericAnswers.afterMarker(text);
        return marked != null ? marked : NumericAnswers.lastNumber(text);
    }

    /** A reference may be a bare answer, a GSM8K solution ending in {@code #### n}, or a MATH solution with a box. */
    private String referenceAnswer(String reference) {
        String boxed = NumericAnswers.boxed(reference);
        if (boxed != null) return boxed;
        String marked = NumericAnswers.afterMarker(reference);
        if (marked != null) return marked;
        if (format == AnswerFormat.GSM8K || format == AnswerFormat.LAST_NUMBER) {
            if (NumericAnswers.value(reference).isPresent()) return reference.strip();
            String last = NumericAnswers.lastNumber(reference);
            return last != null ? last : reference.strip();
        }
        return reference.strip();
    }

    /** Why a reference cannot be used, or null. GSM8K-style formats need a number; MATH-style may compare TeX. */
    private String referenceProblem(String reference) {
        if (reference.isBlank()) return "is empty";
        if (reference.contains("\\boxed") && NumericAnswers.boxed(reference) == null) {
            return "'" + reference.strip() + "' has an unbalanced \\boxed{}";
        }
        String answer = referenceAnswer(reference);
        if ((format == AnswerFormat.GSM8K || format == AnswerFormat.LAST_NUMBER)
                && NumericAnswers.value(answer).isEmpty()) {
            return "'" + reference.strip() + "' contains no number (format " + format + " compares numbers)";
        }
        if (NumericAnswers.normalise(answer).isEmpty()) return "'" + reference.strip() + "' normalises to nothing";
        return null;
    }

    private Verdict pass(String detail) {
        return new Verdict.Scored(name, 1, "pass: " + detail);
    }

    private Verdict fail(String detail) {
        return new Verdict.Scored(name, 0, "fail: " + detail);
    }

    private static String show(String s) {
        return "'" + s + "'";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** Settings for {@link NumericVerifier}; defaults: AUTO, absolute tolerance 1e-6, relative tolerance 1e-9. */
    public static final class Builder {
        private AnswerFormat format = AnswerFormat.AUTO;
        private double absTolerance = 1e-6;
        private double relTolerance = 1e-9;
        private String reference;

        private Builder() {
        }

        public Builder format(AnswerFormat format) {
            this.format = format;
            return this;
        }

        public Builder absTolerance(double absTolerance) {
            this.absTolerance = absTolerance;
            return this;
        }

        public Builder relTolerance(double relTolerance) {
            this.relTolerance = relTolerance;
            return this;
        }

        /** A fixed reference used instead of each input's reference (checked now, so a bad one fails at build). */
        public Builder reference(String reference) {
            this.reference = reference;
            return this;
        }

        public NumericVerifier build() {
            return new NumericVerifier(this);
        }
    }
}
