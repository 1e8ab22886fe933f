package dev.distillery.sandbox.teacher;

import java.util.Optional;

/**
 * A request to judge an answer, recognised in a prompt rendered from the judges module's built-in templates: the
 * {@code single-grade} prompts ({@code single-v1.txt}, {@code single-ref-v1.txt}) and the {@code p-true} prompt
 * ({@code p-true.txt}). Recognition keys on the templates' section markers, not their wording, so a user-edited
 * prompt that keeps the markers is still recognised.
 *
 * @param format   which judge asked, hence which verdict format the reply must use
 * @param question the question section: the instruction the judged answer responds to
 * @param answer   the answer section: the text being judged
 */
record JudgePrompt(Format format, String question, String answer) {

    /** The verdict formats the simulated teacher writes. */
    enum Format {
        /** MT-Bench single grading: a short explanation, then {@code Rating: [[n]]} on a 1–10 scale. */
        SINGLE_GRADE,
        /** Self-evaluation: {@code (A) True} or {@code (B) False}. */
        P_TRUE
    }

    // single-v1 / single-ref-v1: "[Question]", an optional reference section, then the assistant's answer section.
    private static final String QUESTION = "[Question]";
    private static final String ANSWER_START = "[Start of the assistant's answer]";
    private static final String ANSWER_END = "[End of the assistant's answer]";
    private static final String SECTION_START = "[Start of ";
    private static final String RATING_MARKER = "[[";

    // p-true: "Question: ...", "Proposed answer: ...", then the True/False question.
    private static final String P_TRUE_QUESTION = "Question:";
    private static final String P_TRUE_ANSWER = "Proposed answer:";
    private static final String P_TRUE_ASK = "Is the proposed answer correct?";

    /** The judging request in {@code user} (the prompt's user message), if it is one. */
    static Optional<JudgePrompt> recognise(String user) {
        Optional<JudgePrompt> single = singleGrade(user);
        return single.isPresent() ? single : pTrue(user);
    }

    private static Optional<JudgePrompt> singleGrade(String user) {
        int start = user.indexOf(ANSWER_START);
        // The end marker is searched from the back: an answer that quotes the marker must not cut itself short.
        int end = user.lastIndexOf(ANSWER_END);
        if (start < 0 || end < start + ANSWER_START.length() || !user.contains(RATING_MARKER)) return Optional.empty();
        String answer = user.substring(start + ANSWER_START.length(), end).strip();
        int q = user.indexOf(QUESTION);
        String question;
        if (q >= 0 && q < start) {
            // Up to the first section after the question: the reference answer's in single-ref-v1, else the answer's.
            int next = user.indexOf(SECTION_START, q);
            question = user.substring(q + QUESTION.length(), next).strip();
        } else {
            question = user.substring(0, start).strip();
        }
        return Optional.of(new JudgePrompt(Format.SINGLE_GRADE, question, answer));
    }

    private static Optional<JudgePrompt> pTrue(String user) {
        int a = user.indexOf(P_TRUE_ANSWER);
        int ask = user.lastIndexOf(P_TRUE_ASK);
        if (a < 0 || ask < a + P_TRUE_ANSWER.length()) return Optional.empty();
        String answer = user.substring(a + P_TRUE_ANSWER.length(), ask).strip();
        int q = user.indexOf(P_TRUE_QUESTION);
        String question = user.substring(q >= 0 && q < a ? q + P_TRUE_QUESTION.length() : 0, a).strip();
        return Optional.of(new JudgePrompt(Format.P_TRUE, question, answer));
    }
}
