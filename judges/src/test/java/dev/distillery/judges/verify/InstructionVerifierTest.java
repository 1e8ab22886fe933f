package dev.distillery.judges.verify;

import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstructionVerifierTest {

    private static Verifier verifier(Map<String, Object> settings) {
        return (Verifier) new InstructionVerifierProvider().createJudge(new JudgeConfig(settings, null, null, "judges.yaml#ifeval"));
    }

    private static Verdict.Scored judge(Verifier v, String response) {
        return assertInstanceOf(Verdict.Scored.class, v.judge(new JudgeInput("q", response, null)));
    }

    private static void holds(String constraint, Object value, String response) {
        Verdict.Scored v = judge(verifier(Map.of(constraint, value)), response);
        assertEquals(1, v.score(), constraint + " should hold: " + v.rationale());
    }

    private static void fails(String constraint, Object value, String response, String because) {
        Verdict.Scored v = judge(verifier(Map.of(constraint, value)), response);
        assertEquals(0, v.score(), constraint + " should fail");
        assertTrue(v.rationale().contains(constraint + ": " + because), v.rationale());
    }

    @Test
    void lengthLimits() {
        holds("max_words", 5, "one two three four five");
        fails("max_words", 4, "one two three four five", "5 words > maximum 4");
        holds("min_words", 3, "don't stop now");
        fails("min_words", 4, "don't stop now", "3 words < minimum 4");
        holds("max_chars", 5, "héllo");
        fails("min_chars", 10, "short", "5 characters < minimum 10");
        holds("max_sentences", 2, "One. Two!");
        fails("max_sentences", 2, "One. Two! Three?", "3 sentences > maximum 2");
        holds("min_sentences", 2, "It is 3.5 degrees. Cold");
    }

    @Test
    void paragraphsAndBullets() {
        holds("paragraphs", 3, "First.\n\nSecond.\n\n\nThird.");
        holds("paragraphs", 2, "First.\n***\nSecond.");
        holds("paragraphs", 1, "A ***really*** important point.");
        fails("paragraphs", 2, "Just one.", "1 paragraphs, expected exactly 2");
        holds("bullet_count", 3, "Intro:\n* one\n* two\n- three\n**bold** is not a bullet");
        fails("bullet_count", 2, "* one\n* two\n* three", "3 bullet points, expected exactly 2");
        holds("min_bullets", 1, "- only");
    }

    @Test
    void keywordsAndForbiddenWordsAreCaseInsensitiveOnWordBounds() {
        holds("required_keywords", List.of("Java", "virtual machine"), "The JAVA Virtual Machine runs bytecode.");
        fails("required_keywords", List.of("java", "kotlin"), "Java only", "missing 'kotlin'");
        holds("forbidden_words", List.of("cat"), "I concatenate strings.");
        fails("forbidden_words", List.of("very", "really"), "It is Very good and really nice.", "found 'very', 'really'");
    }

    @Test
    void formatCaseAndAffixes() {
        holds("format", "json", "```json\n{\"a\": [1, 2]}\n```");
        fails("format", "json", "{\"a\": 1", "not valid JSON");
        holds("case", "lower", "all lower case, 123.");
        fails("case", "lower", "not All lower", "has upper-case letters, e.g. 'A'");
        holds("case", "upper", "SHOUT 1!");
        holds("starts_with", "Dear", "  dear Sir, ...");
        holds("ends_with", "Is there anything else I can help with?", "Done. Is there anything else I can help with?\n");
        fails("ends_with", "Thanks.", "Bye.", "does not end with 'Thanks.'");
        holds("no_commas", true, "No commas here.");
        fails("no_commas", true, "One, two, three", "contains 2 comma(s)");
        holds("title", true, "<<My Poem>>\nRoses...");
        holds("quotation", true, "\"Wrapped.\"");
        holds("postscript", "P.S.", "Body\nP.S. see you");
        fails("postscript", "P.P.S", "Body\nP.S. see you", "no line starting with 'P.P.S'");
        holds("min_placeholders", 2, "Send to [name] at [address].");
        holds("min_highlights", 1, "This is *important* stuff.");
        fails("max_capital_words", 1, "NEVER EVER do that", "2 ALL-CAPITAL words > maximum 1");
    }

    @Test
    void rationaleListsEveryFailedConstraint() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("max_words", 5);
        settings.put("forbidden_words", List.of("basically"));
        settings.put("case", "lower");
        settings.put("bullet_count", 2);
        Verdict.Scored v = judge(verifier(settings), "Basically this answer is far too long for the limit.");
        assertEquals(0, v.score());
        assertTrue(v.rationale().startsWith("fail: 4 of 4 constraint(s) failed"), v.rationale());
        for (String part : List.of("max_words: 10 words > maximum 5", "forbidden_words: found 'basically'",
                "case: has upper-case letters", "bullet_count: 0 bullet points, expected exactly 2")) {
            assertTrue(v.rationale().contains(part), "missing <" + part + "> in " + v.rationale());
        }
        Verdict.Scored ok = judge(verifier(settings), "* basic one\n* two");
        assertEquals(1, ok.score(), ok.rationale());
        assertEquals("pass: all 4 constraint(s) hold", ok.rationale());
    }

    @Test
    void unknownConstraintsAreErrorsWithDidYouMean() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> verifier(Map.of("max_word", 10)));
        assertTrue(e.getMessage().contains("judges.yaml#ifeval") && e.getMessage().contains("unknown constraint 'max_word'")
                && e.getMessage().contains("did you mean 'max_words'"), e.getMessage());
        IllegalArgumentException badValue = assertThrows(IllegalArgumentException.class, () -> verifier(Map.of("case", "title")));
        assertTrue(badValue.getMessage().contains("'title' is not lower or upper"), badValue.getMessage());
        assertThrows(IllegalArgumentException.class, () -> verifier(Map.of("max_words", -1)));
        assertThrows(IllegalArgumentException.class, () -> verifier(Map.of()));
    }

    @Test
    void perItemConstraintsComeFromTheReference() {
        Verifier v = verifier(Map.of("from_reference", true, "max_words", 50));
        Verdict.Scored ok = assertInstanceOf(Verdict.Scored.class,
                v.judge(new JudgeInput("q", "hello world", "{\"required_keywords\": [\"world\"]}")));
        assertEquals(1, ok.score(), ok.rationale());
        Verdict.Scored bad = assertInstanceOf(Verdict.Scored.class,
                v.judge(new JudgeInput("q", "hello", "{\"required_keywords\": [\"world\"]}")));
        assertEquals(0, bad.score());
        Verdict.Failed typo = assertInstanceOf(Verdict.Failed.class,
                v.judge(new JudgeInput("q", "hello", "{\"required_keywrds\": [\"world\"]}")));
        assertTrue(typo.reason().contains("did you mean 'required_keywords'"), typo.reason());
        assertInstanceOf(Verdict.Failed.class, v.judge(new JudgeInput("q", "hello", "not json")));
    }
}
