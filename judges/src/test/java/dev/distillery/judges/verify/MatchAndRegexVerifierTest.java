package dev.distillery.judges.verify;

import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatchAndRegexVerifierTest {

    private static Verdict.Scored scored(Verifier v, String response, String reference) {
        Verdict verdict = v.judge(new JudgeInput("q", response, reference));
        return assertInstanceOf(Verdict.Scored.class, verdict, verdict.toString());
    }

    @Test
    void exactMatchOnlyIgnoresSurroundingWhitespace() {
        Verifier exact = new MatchVerifier(MatchVerifier.Normalisation.EXACT, false, List.of());
        assertEquals(1, scored(exact, "  Paris\n", "Paris").score());
        assertEquals(0, scored(exact, "paris", "Paris").score());
        assertEquals(0, scored(exact, "Paris.", "Paris").score());
    }

    @Test
    void normalisedMatchFoldsCaseWidthSpacesAndFinalPunctuation() {
        Verifier v = new MatchVerifier(MatchVerifier.Normalisation.NORMALISED, false, List.of());
        assertEquals(1, scored(v, "NEW   York!", "new york").score());
        assertEquals(1, scored(v, "\uFF21\uFF22\uFF23", "abc").score()); // full-width letters under NFKC
        Verdict.Scored miss = scored(v, "New Jersey", "New York");
        assertEquals(0, miss.score());
        assertTrue(miss.rationale().contains("'new jersey'") && miss.rationale().contains("new york"), miss.rationale());
    }

    @Test
    void squadMatchDropsArticlesAndPunctuationAndContainsSearchesOnWordBounds() {
        Verifier squad = new MatchVerifier(MatchVerifier.Normalisation.SQUAD, false, List.of());
        assertEquals(1, scored(squad, "The Eiffel Tower.", "eiffel tower").score());
        Verifier contains = new MatchVerifier(MatchVerifier.Normalisation.SQUAD, true, List.of());
        assertEquals(1, scored(contains, "I think it is the Eiffel Tower, in Paris.", "Eiffel tower").score());
        assertEquals(0, scored(contains, "It is Parisian.", "Paris").score());
    }

    @Test
    void acceptedAnswersReplaceTheReference() {
        Verifier v = new MatchVerifier(MatchVerifier.Normalisation.NORMALISED, false, List.of("yes", "true"));
        assertEquals(1, scored(v, "True", null).score());
        assertEquals(0, scored(v, "no", "no").score());
        Verifier needsReference = new MatchVerifier(MatchVerifier.Normalisation.NORMALISED, false, List.of());
        assertInstanceOf(Verdict.Failed.class, needsReference.judge(new JudgeInput("q", "x", null)));
    }

    @Test
    void regexFindsFullMatchesAndNegates() {
        RegexVerifierProvider p = new RegexVerifierProvider();
        Verifier find = (Verifier) p.createJudge(new JudgeConfig(Map.of("pattern", "Answer: [A-D]$", "flags", List.of("multiline")), null, null, "t"));
        Verdict.Scored hit = scored(find, "Reasoning...\nAnswer: C\n", null);
        assertEquals(1, hit.score());
        assertTrue(hit.rationale().contains("matched 'Answer: C'"), hit.rationale());
        assertEquals(0, scored(find, "Answer: E", null).score());

        Verifier full = (Verifier) p.createJudge(new JudgeConfig(Map.of("pattern", "\\d+", "full_match", true), null, null, "t"));
        assertEquals(1, scored(full, "123", null).score());
        assertEquals(0, scored(full, "123 apples", null).score());

        Verifier negated = (Verifier) p.createJudge(new JudgeConfig(Map.of("pattern", "(?i)as an ai", "negate", true), null, null, "t"));
        assertEquals(1, scored(negated, "Sure, here it is.", null).score());
        Verdict.Scored caught = scored(negated, "As an AI, I cannot.", null);
        assertEquals(0, caught.score());
        assertTrue(caught.rationale().contains("negated"), caught.rationale());
    }

    @Test
    void badRegexSettingsAreConfigErrors() {
        RegexVerifierProvider p = new RegexVerifierProvider();
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> p.createJudge(new JudgeConfig(Map.of("pattern", "([a-z]"), null, null, "judges.yaml#r")));
        assertTrue(bad.getMessage().contains("judges.yaml#r") && bad.getMessage().contains("'pattern'"), bad.getMessage());
        IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
                () -> p.createJudge(new JudgeConfig(Map.of("pattern", "x", "flags", List.of("multilne")), null, null, "t")));
        assertTrue(flag.getMessage().contains("did you mean 'multiline'"), flag.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.createJudge(new JudgeConfig(Map.of(), null, null, "t")));
    }
}
