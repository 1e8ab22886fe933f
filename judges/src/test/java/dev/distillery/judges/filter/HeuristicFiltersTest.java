package dev.distillery.judges.filter;

import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeuristicFiltersTest {

    private static Verifier create(JudgeProvider p, Map<String, Object> settings) {
        return (Verifier) p.createJudge(new JudgeConfig(settings, null, null, "judges.yaml#filter"));
    }

    private static Verdict.Scored judge(Verifier v, String response) {
        return assertInstanceOf(Verdict.Scored.class, v.judge(new JudgeInput("prompt text", response, null)));
    }

    @Test
    void lengthBoundsInCharactersAndWords() {
        Verifier defaults = create(new FilterProviders.Length(), Map.of());
        assertEquals(1, judge(defaults, "Fine.").score());
        Verdict.Scored blank = judge(defaults, " \n\t ");
        assertEquals(0, blank.score());
        assertTrue(blank.rationale().contains("empty or whitespace only"), blank.rationale());
        assertEquals(0, judge(defaults, "--- ...").score(), "punctuation is not a word");

        Verifier bounded = create(new FilterProviders.Length(), Map.of("min_words", 3, "max_chars", 20));
        Verdict.Scored tooShort = judge(bounded, "Two words");
        assertTrue(tooShort.rationale().contains("2 words < min_words 3"), tooShort.rationale());
        Verdict.Scored tooLong = judge(bounded, "This sentence is longer than twenty characters");
        assertTrue(tooLong.rationale().contains("characters > max_chars 20"), tooLong.rationale());
        assertEquals(1, judge(bounded, "Three small words").score());

        Verifier prompt = create(new FilterProviders.Length(), Map.of("field", "prompt", "max_words", 1));
        assertEquals(0, judge(prompt, "x").score(), "checks the two-word prompt, not the response");
        assertThrows(IllegalArgumentException.class, () -> create(new FilterProviders.Length(), Map.of("min_words", 5, "max_words", 2)));
    }

    @Test
    void repetitionCatchesLoopsButNotOrdinaryText() {
        Verifier f = create(new FilterProviders.Repetition(), Map.of());
        String ordinary = """
                Photosynthesis converts light energy into chemical energy. Plants capture sunlight with chlorophyll,
                split water molecules, and release oxygen as a by-product. The captured energy drives the Calvin cycle,
                which fixes carbon dioxide into sugars that the plant uses for growth and storage.""";
        Verdict.Scored ok = judge(f, ordinary);
        assertEquals(1, ok.score(), ok.rationale());

        String loop = "The answer is 42 because of the reasons above. ".repeat(8);
        Verdict.Scored looping = judge(f, loop);
        assertEquals(0, looping.score());
        assertTrue(looping.rationale().contains("dup_10gram_char_fraction") && looping.rationale().contains("top_2gram_char_fraction"),
                looping.rationale());

        String lines = "Step one.\nRepeat this.\nRepeat this.\nRepeat this.\nDone.";
        Verdict.Scored dupLines = judge(f, lines);
        assertTrue(dupLines.rationale().contains("dup_line_fraction 0.400 > 0.3"), dupLines.rationale());

        Map<String, Double> m = RepetitionFilter.measure(lines);
        assertEquals(0.4, m.get("dup_line_fraction"), 1e-9);
        // Two repeated "Repeat this." (12 chars each) of 9 + 3 x 12 + 5 = 50 line characters.
        assertEquals(24.0 / 50, m.get("dup_line_char_fraction"), 1e-9);
    }

    @Test
    void repetitionThresholdsAreSettings() {
        String lines = "Step one.\nRepeat this.\nRepeat this.\nDone.";
        assertEquals(0, judge(create(new FilterProviders.Repetition(), Map.of()), lines).score());
        Verifier lenient = create(new FilterProviders.Repetition(), Map.of("dup_line_fraction", 0.5, "dup_line_char_fraction", 0.5,
                "dup_paragraph_fraction", 0.5, "dup_paragraph_char_fraction", 0.5, "top_2gram_char_fraction", 0.7));
        Verdict.Scored v = judge(lenient, lines);
        assertEquals(1, v.score(), v.rationale());
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> create(new FilterProviders.Repetition(), Map.of("dup_lines_fraction", 0.5)));
        assertTrue(typo.getMessage().contains("did you mean 'dup_line_fraction'"), typo.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "As an AI language model, I don't have personal opinions.",
            "I'm sorry, but I can't help with that request.",
            "I cannot provide instructions for that.",
            "Here is some context. However, I\u2019m unable to share the file.",
            "I can't do that.",
            "Sorry, that is not something I do.",
            "\"I won't write that.\"",
            "I'm sorry to hear that. Still, I can't help with medical diagnoses.",
    })
    void refusalsAndSelfReferencesFail(String text) {
        Verdict.Scored v = judge(create(new FilterProviders.Refusal(), Map.of()), text);
        assertEquals(0, v.score(), text);
        assertTrue(v.rationale().startsWith("fail: ") && v.rationale().contains(" phrase '"), v.rationale());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "I can't wait to see what you build! Here is the code.",
            "I cannot stress enough how important tests are.",
            "I'm sorry to hear about your cat. Here are some tips for grief.",
            "Sorry for the confusion earlier: the answer is 12.",
            "I'm sorry, could you please tell me which language you mean?",
            "I can't help but notice the loop never ends; move the increment inside it.",
            "The aide said it was an AIDS awareness event.",
            "Contact your data steward as an aid to compliance.",
            "A cannot-fail parser is easy: return a default.",
    })
    void nearMissesAndClarifyingQuestionsPass(String text) {
        Verdict.Scored v = judge(create(new FilterProviders.Refusal(), Map.of()), text);
        assertEquals(1, v.score(), text + " -> " + v.rationale());
    }

    @Test
    void refusalCategoriesAndExtraPhrasesAreSettings() {
        Verifier selfOnly = create(new FilterProviders.Refusal(), Map.of("categories", List.of("self_reference")));
        assertEquals(1, judge(selfOnly, "I'm sorry, but I can't help.").score());
        assertEquals(0, judge(selfOnly, "As an AI, I think so.").score());
        Verifier extra = create(new FilterProviders.Refusal(), Map.of("extra_phrases", List.of("no can do"),
                "extra_exclusions", List.of("as an ai researcher")));
        assertEquals(0, judge(extra, "Well, no can do.").score());
        assertEquals(1, judge(extra, "As an AI researcher I like it.").score());
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> create(new FilterProviders.Refusal(), Map.of("categories", List.of("selfreference"))));
        assertTrue(typo.getMessage().contains("did you mean 'self_reference'"), typo.getMessage());
    }

    @Test
    void charsetChecksScriptsControlAndReplacementCharacters() {
        Verifier latin = create(new FilterProviders.Charset(), Map.of());
        assertEquals(1, judge(latin, "Caf\u00e9 cr\u00e8me, na\u00efve r\u00e9sum\u00e9 \u2014 123 \uD83D\uDE00").score());
        Verdict.Scored cyrillic = judge(latin, "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440! Hello");
        assertEquals(0, cyrillic.score());
        assertTrue(cyrillic.rationale().contains("CYRILLIC=") && cyrillic.rationale().contains("< min_script_share 0.9"), cyrillic.rationale());
        Verdict.Scored broken = judge(latin, "Caf\uFFFD au lait");
        assertTrue(broken.rationale().contains("1 U+FFFD replacement character(s)"), broken.rationale());
        Verdict.Scored control = judge(latin, "bell\u0007 and\tnewline\n ok");
        assertTrue(control.rationale().contains("1 control character(s)"), control.rationale());
        assertEquals(1, judge(latin, "12 + 30 = 42").score(), "no letters: nothing to judge the script by");

        Verifier mixed = create(new FilterProviders.Charset(), Map.of("scripts", List.of("latin", "CYRILLIC")));
        assertEquals(1, judge(mixed, "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440! Hello").score());
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> create(new FilterProviders.Charset(), Map.of("scripts", List.of("LATN"))));
        assertTrue(typo.getMessage().contains("did you mean 'LATIN'"), typo.getMessage());
    }
}
