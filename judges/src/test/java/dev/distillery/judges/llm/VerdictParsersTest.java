package dev.distillery.judges.llm;

import dev.distillery.judges.spi.PairwiseVerdict.Winner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class VerdictParsersTest {

    static Stream<Arguments> goodRatings() {
        return Stream.of(
                arguments("Rating: [[7]]", 7.0),
                arguments("The answer is fine.\n\nRating: [[ 8 ]]", 8.0),
                arguments("**Rating:** [[9]]", 9.0),
                arguments("```\nRating: [[6]]\n```", 6.0),
                arguments("rating: [[7.5]]", 7.5),
                arguments("[[10]]", 10.0),
                arguments("Rating: [[7/10]]", 7.0),
                arguments("Rating: 7", 7.0),
                arguments("SCORE: [4]", 4.0),
                arguments("I'd give [[6]]. Final answer: [[6]]", 6.0),
                arguments("`[[3]]`", 3.0),
                arguments("```json\n{\"REASONING\": \"ok\", \"SCORE\": \"8\"}\n```", 8.0),
                arguments("Rating: [[1]]\n", 1.0),
                // The strict marker wins over labelled numbers elsewhere in the explanation.
                arguments("Accuracy score: 3 but overall Rating: [[5]]", 5.0));
    }

    @ParameterizedTest
    @MethodSource("goodRatings")
    void readsRatings(String raw, double expected) {
        var r = assertInstanceOf(ParseResult.Parsed.class, VerdictParsers.rating(raw, 1, 10), raw);
        assertEquals(expected, (Double) r.value(), 1e-12, raw);
    }

    static Stream<Arguments> badRatings() {
        return Stream.of(
                arguments(null, "empty output"),
                arguments("", "empty output"),
                arguments("   \n\t ", "empty output"),
                arguments("```\n```", "empty output"),
                arguments("The answer is great.", "no rating marker"),
                arguments("Rating: [[11]]", "outside 1..10"),
                arguments("Rating: [[0]]", "outside 1..10"),
                arguments("Rating: [[-3]]", "outside 1..10"),
                arguments("Rating: [[7]] ... on reflection Rating: [[8]]", "conflicting scores 7, 8"),
                arguments("Rating: [[seven]]", "no rating marker"),
                arguments("Rating: [[ ]]", "no rating marker"),
                arguments("Helpfulness score: 8, accuracy score: 6", "conflicting scores 8, 6"),
                arguments("[[A]]", "no rating marker"),
                arguments("Rating: [[7", "no rating marker"),
                arguments("I cannot evaluate this response.", "no rating marker"));
    }

    @ParameterizedTest
    @MethodSource("badRatings")
    void rejectsMalformedRatingsWithAReason(String raw, String reason) {
        var r = assertInstanceOf(ParseResult.Unparsed.class, VerdictParsers.rating(raw, 1, 10), String.valueOf(raw));
        assertTrue(r.reason().contains(reason), () -> "'" + r.reason() + "' should mention '" + reason + "'");
    }

    /**
     * Not a performance number: a guard against patterns that backtrack quadratically. Before the fix, 20,000
     * newlines or digits took seconds to tens of seconds per parser; linear parsing takes milliseconds, so the
     * generous bound only trips on a regression to quadratic behaviour.
     */
    @Test
    void longDegenerateOutputsParseInLinearTime() {
        List<String> degenerate = List.of("\n".repeat(50_000) + "x", " \n".repeat(25_000), "1".repeat(50_000),
                "[[".repeat(25_000) + "7", "Rating: ".repeat(6_000), "```\n".repeat(12_000));
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
            for (String s : degenerate) {
                assertInstanceOf(ParseResult.Unparsed.class, VerdictParsers.rating(s, 1, 10));
                assertInstanceOf(ParseResult.Unparsed.class, VerdictParsers.pairChoice(s));
                assertInstanceOf(ParseResult.Unparsed.class, VerdictParsers.prometheusResult(s, 1, 5));
                assertInstanceOf(ParseResult.Unparsed.class, VerdictParsers.trueOrFalse(s));
                assertInstanceOf(ParseResult.Unparsed.class, VerdictParsers.aspects(s, ASPECTS, 1, 5));
            }
        });
    }

    static Stream<Arguments> goodChoices() {
        return Stream.of(
                arguments("[[A]]", Winner.FIRST),
                arguments("Assistant B is more accurate.\n[[B]]", Winner.SECOND),
                arguments("Both equally good. [[C]]", Winner.TIE),
                arguments("[[a]]", Winner.FIRST),
                arguments("**[[B]]**", Winner.SECOND),
                arguments("[[ B ]]", Winner.SECOND),
                arguments("My final verdict is [[A>>B]]", Winner.FIRST),
                arguments("[[B>A]]", Winner.SECOND),
                arguments("[[A<B]]", Winner.SECOND),
                arguments("[[A=B]]", Winner.TIE),
                arguments("[[tie]]", Winner.TIE),
                arguments("Final verdict: B", Winner.SECOND),
                arguments("Verdict: Assistant A", Winner.FIRST),
                arguments("[[A]] ... therefore [[A]]", Winner.FIRST),
                arguments("```\n[[C]]\n```", Winner.TIE));
    }

    @ParameterizedTest
    @MethodSource("goodChoices")
    void readsPairChoices(String raw, Winner expected) {
        var r = assertInstanceOf(ParseResult.Parsed.class, VerdictParsers.pairChoice(raw), raw);
        assertEquals(expected, r.value(), raw);
    }

    static Stream<Arguments> badChoices() {
        return Stream.of(
                arguments("", "empty output"),
                arguments(null, "empty output"),
                arguments("Assistant A is better.", "no verdict marker"),
                arguments("[[A]] but maybe [[B]]", "conflicting"),
                arguments("[[A]] [[C]]", "conflicting"),
                arguments("[[D]]", "no verdict marker"),
                arguments("[[A<>B]]", "no verdict marker"),
                // lower-case "a" is an article, not a verdict
                arguments("The verdict is a tie.", "no verdict marker"),
                arguments("Final verdict: A. Final verdict: B.", "conflicting"));
    }

    @ParameterizedTest
    @MethodSource("badChoices")
    void rejectsMalformedChoices(String raw, String reason) {
        var r = assertInstanceOf(ParseResult.Unparsed.class, VerdictParsers.pairChoice(raw), String.valueOf(raw));
        assertTrue(r.reason().contains(reason), () -> "'" + r.reason() + "' should mention '" + reason + "'");
    }

    static Stream<Arguments> goodResults() {
        return Stream.of(
                arguments("Feedback: covers everything. [RESULT] 4", 4),
                arguments("Feedback: weak. [RESULT] (3)", 3),
                arguments("[result]: 5", 5),
                arguments("**[RESULT]** 2", 2),
                arguments("[SCORE] 4", 4),
                arguments("Feedback text.\nScore: 3", 3),
                arguments("I would give it a score of 5.", 5),
                arguments("Overall 4/5", 4),
                arguments("That is 1 out of 5.", 1),
                arguments("[RESULT] 4\n[RESULT] 4", 4),
                // the rubric echoed back is not a score; the result marker is
                arguments("Score 1: bad. Score 5: excellent.\n[RESULT] 2", 2));
    }

    @ParameterizedTest
    @MethodSource("goodResults")
    void readsPrometheusResults(String raw, int expected) {
        var r = assertInstanceOf(ParseResult.Parsed.class, VerdictParsers.prometheusResult(raw, 1, 5), raw);
        assertEquals(expected, r.value(), raw);
    }

    static Stream<Arguments> badResults() {
        return Stream.of(
                arguments("[RESULT] 6", "outside 1..5"),
                arguments("[RESULT] 0", "outside 1..5"),
                arguments("[RESULT] 3.5", "not a whole number"),
                arguments("[RESULT] 3 ... [RESULT] 4", "conflicting"),
                arguments("no idea", "no '[RESULT] n' marker"),
                arguments("", "empty output"),
                arguments("[RESULT] A", "no '[RESULT] n' marker"),
                arguments("Score 1: bad. Score 5: excellent.", "no '[RESULT] n' marker"));
    }

    @ParameterizedTest
    @MethodSource("badResults")
    void rejectsMalformedPrometheusResults(String raw, String reason) {
        var r = assertInstanceOf(ParseResult.Unparsed.class, VerdictParsers.prometheusResult(raw, 1, 5), raw);
        assertTrue(r.reason().contains(reason), () -> "'" + r.reason() + "' should mention '" + reason + "'");
    }

    static Stream<Arguments> goodTrueFalse() {
        return Stream.of(
                arguments("(A) True", true),
                arguments("(B) False", false),
                arguments("A", true),
                arguments("B.", false),
                arguments("True", true),
                arguments("false", false),
                arguments("**(A)** True", true),
                arguments("The proposed answer is: (A) True.", true),
                arguments("( b )", false));
    }

    @ParameterizedTest
    @MethodSource("goodTrueFalse")
    void readsTrueOrFalse(String raw, boolean expected) {
        var r = assertInstanceOf(ParseResult.Parsed.class, VerdictParsers.trueOrFalse(raw), raw);
        assertEquals(expected, r.value(), raw);
    }

    static Stream<Arguments> badTrueFalse() {
        return Stream.of(
                arguments("", "empty output"),
                arguments("(A) True or (B) False", "both True and False"),
                arguments("maybe", "no '(A) True'"),
                arguments("A proposed answer needs more context", "no '(A) True'"));
    }

    @ParameterizedTest
    @MethodSource("badTrueFalse")
    void rejectsMalformedTrueOrFalse(String raw, String reason) {
        var r = assertInstanceOf(ParseResult.Unparsed.class, VerdictParsers.trueOrFalse(raw), raw);
        assertTrue(r.reason().contains(reason), () -> "'" + r.reason() + "' should mention '" + reason + "'");
    }

    private static final Map<String, String> ASPECTS = new LinkedHashMap<>();

    static {
        for (Aspect a : Aspect.values()) ASPECTS.put(a.key(), a.label());
    }

    private static Map<String, AspectRating> parsedAspects(String raw) {
        var r = VerdictParsers.aspects(raw, ASPECTS, 1, 5);
        if (r instanceof ParseResult.Unparsed<Map<String, AspectRating>> u) throw new AssertionError(u.reason() + " for:\n" + raw);
        return ((ParseResult.Parsed<Map<String, AspectRating>>) r).value();
    }

    @Test
    void readsAspectSections() {
        var r = parsedAspects("""
                Instruction following
                Rating: 4
                Rationale: Mostly follows the format.

                Honesty
                Rating: 5
                Rationale: Correct and confident.

                Truthfulness
                Rating: 3
                Rationale: One invented date.

                Helpfulness
                Rating: 4
                Rationale: Useful.
                """);
        assertEquals(4.0, r.get("instruction_following").rating());
        assertEquals(5.0, r.get("honesty").rating());
        assertEquals(3.0, r.get("truthfulness").rating());
        assertEquals(4.0, r.get("helpfulness").rating());
        assertEquals("One invented date.", r.get("truthfulness").rationale());
    }

    @Test
    void readsMarkdownSectionsInAnyOrderAndInlineRatings() {
        var r = parsedAspects("""
                ## Helpfulness
                **Rating:** 2
                ## 1. Instruction-Following
                **Rating:** 3
                - Honesty: N/A
                * Truthfulness: 5.
                """);
        assertEquals(2.0, r.get("helpfulness").rating());
        assertEquals(3.0, r.get("instruction_following").rating());
        assertTrue(r.get("honesty").notApplicable());
        assertEquals(5.0, r.get("truthfulness").rating());
        assertEquals(java.util.List.copyOf(ASPECTS.keySet()), java.util.List.copyOf(r.keySet()), "aspect order kept");
    }

    @Test
    void ignoresEchoedAspectGuidanceBeforeTheRatings() {
        StringBuilder echo = new StringBuilder("Aspects to rate:\n");
        for (Aspect a : Aspect.values()) echo.append(a.label()).append(": ").append(a.guidance()).append('\n');
        var r = parsedAspects(echo + """

                Instruction following
                Rating: 5
                Honesty
                Rating: 4
                Truthfulness
                Rating: 4
                Helpfulness
                Rating: 2
                Rationale: Too short.
                """);
        assertEquals(5.0, r.get("instruction_following").rating());
        assertEquals(2.0, r.get("helpfulness").rating());
        assertEquals("Too short.", r.get("helpfulness").rationale());
    }

    @Test
    void readsAspectJsonInFencesWithObjectsNumbersAndNa() {
        var r = parsedAspects("""
                ```json
                {"Instruction following": {"rating": 4, "rationale": "ok"},
                 "honesty": "N/A",
                 "truthfulness": 5,
                 "helpfulness": {"score": "3"}}
                ```
                """);
        assertEquals(4.0, r.get("instruction_following").rating());
        assertEquals("ok", r.get("instruction_following").rationale());
        assertNull(r.get("honesty").rating());
        assertEquals(5.0, r.get("truthfulness").rating());
        assertEquals(3.0, r.get("helpfulness").rating());
    }

    static Stream<Arguments> badAspects() {
        return Stream.of(
                arguments("", "empty output"),
                arguments("Instruction following\nRating: 4\nHonesty\nRating: 4\nTruthfulness\nRating: 4\n", "no section for 'Helpfulness'"),
                arguments("Instruction following\nRating: 6\nHonesty\nRating: 4\nTruthfulness\nRating: 4\nHelpfulness\nRating: 4",
                        "outside 1..5"),
                arguments("Instruction following\nRating: 4\nRating: 2\nHonesty\nRating: 4\nTruthfulness\nRating: 4\nHelpfulness\nRating: 4",
                        "conflicting ratings"),
                arguments("Instruction following\nRating: N/A\nHonesty\nRating: N/A\nTruthfulness\nRating: n/a\nHelpfulness\nRating: N/A",
                        "every aspect was rated N/A"),
                arguments("Instruction following\nfine\nHonesty\nRating: 4\nTruthfulness\nRating: 4\nHelpfulness\nRating: 4",
                        "no 'Rating:' for 'Instruction following'"),
                arguments("{\"honesty\": 4, \"truthfulness\": 4, \"helpfulness\": 4}", "no 'instruction_following'"),
                arguments("{\"instruction_following\": 4, \"honesty\": \"great\", \"truthfulness\": 4, \"helpfulness\": 4}",
                        "not a number"),
                arguments("{\"instruction_following\": 4, honesty: oops", "JSON block does not parse"));
    }

    @ParameterizedTest
    @MethodSource("badAspects")
    void rejectsMalformedAspects(String raw, String reason) {
        var r = assertInstanceOf(ParseResult.Unparsed.class, VerdictParsers.aspects(raw, ASPECTS, 1, 5), raw);
        assertTrue(r.reason().contains(reason), () -> "'" + r.reason() + "' should mention '" + reason + "'");
    }
}
