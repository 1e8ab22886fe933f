package dev.distillery.judges.verify;

import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NumericVerifierTest {
    private static final Verifier AUTO = NumericVerifier.builder().build();

    private static Verdict.Scored scored(Verifier v, String response, String reference) {
        Verdict verdict = v.judge(new JudgeInput("q", response, reference));
        return assertInstanceOf(Verdict.Scored.class, verdict, verdict.toString());
    }

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource(delimiter = '|', value = {
            "She sells 16 - 3 - 4 = 9 eggs for $2 each, so 9 * 2 = 18.\\n#### 18 | Janet has 9 eggs left. 9 * 2 = 18\\n#### 18",
            "#### 42\\nAnd to double check, 6 * 7 is 42, unlike 41. | 42",
            "The total is 1,234 dollars. | 1234",
            "It costs $1,000,000.00 in the end. | 1000000",
            "The answer is -7. | -7",
            "Half of it: 3/4 | 0.75",
            "so the result is \\boxed{\\frac{1}{2}}. | 0.5",
            "thus \\boxed{\\dfrac{3}{4}} | \\frac34",
            "\\boxed{{\\frac{12}{4}}} | 3",
            "we get $\\boxed{50\\%}$ | 50",
            "\\boxed{\\$1,000.0} | 1000",
            "\\boxed{5\\text{ cm}} | 5",
            "\\boxed{x = 12} | 12.0",
            "\\boxed{\\sqrt{2}} | The answer is $\\boxed{\\sqrt 2}$",
            "\\boxed{\\left( 1, 2 \\right)} | (1,2)",
    })
    void acceptsEquivalentAnswers(String response, String reference) {
        Verdict.Scored v = scored(AUTO, response.replace("\\n", "\n"), reference.replace("\\n", "\n"));
        assertEquals(1, v.score(), v.rationale());
        assertTrue(v.rationale().startsWith("pass: extracted"), v.rationale());
    }

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource(delimiter = '|', value = {
            "The answer is 41. | 42",
            "#### 17\\nthen again maybe 18 | 18",
            "\\boxed{\\frac{1}{3}} | 0.33",
            "\\boxed{\\sqrt{3}} | \\sqrt{2}",
            "I do not know. | 5",
    })
    void rejectsDifferentAnswers(String response, String reference) {
        Verdict.Scored v = scored(AUTO, response.replace("\\n", "\n"), reference);
        assertEquals(0, v.score(), v.rationale());
        assertTrue(v.rationale().startsWith("fail: "), v.rationale());
    }

    @Test
    void rationaleSaysWhatWasExtractedAndCompared() {
        Verdict.Scored v = scored(AUTO, "First 10, then 20, finally 35.", "36");
        assertEquals("fail: extracted '35' = 35, reference '36' = 36, |difference| 1 > tolerance 1.0E-6", v.rationale());
    }

    @Test
    void toleranceIsConfigurable() {
        assertEquals(0, scored(AUTO, "pi is about 3.14159", "3.1416").score());
        Verifier loose = NumericVerifier.builder().absTolerance(1e-3).build();
        assertEquals(1, scored(loose, "pi is about 3.14159", "3.1416").score());
        Verifier relative = NumericVerifier.builder().absTolerance(0).relTolerance(0.01).build();
        assertEquals(1, scored(relative, "about 1005000", "1000000").score());
        assertEquals(0, scored(relative, "about 1020000", "1000000").score());
    }

    @Test
    void formatsDecideWhereTheAnswerIs() {
        Verifier boxed = NumericVerifier.builder().format(NumericVerifier.AnswerFormat.BOXED).build();
        Verdict.Scored noBox = scored(boxed, "The answer is 5.", "5");
        assertEquals(0, noBox.score());
        assertTrue(noBox.rationale().contains("no \\boxed{} answer"), noBox.rationale());
        Verifier last = NumericVerifier.builder().format(NumericVerifier.AnswerFormat.LAST_NUMBER).build();
        assertEquals(1, scored(last, "#### 4\nno wait, 5", "5").score());
        Verifier gsm8k = NumericVerifier.builder().format(NumericVerifier.AnswerFormat.GSM8K).build();
        assertEquals(0, scored(gsm8k, "#### 4\nno wait, 5", "5").score());
        // GSM8K ignores a box and takes the last number.
        assertEquals(1, scored(gsm8k, "\\boxed{3} or rather 5", "5").score());
    }

    @Test
    void unusableReferencesAreErrorsNotScores() {
        Verifier gsm8k = NumericVerifier.builder().format(NumericVerifier.AnswerFormat.GSM8K).build();
        Verdict noNumber = gsm8k.judge(new JudgeInput("q", "42", "forty-two"));
        Verdict.Failed f = assertInstanceOf(Verdict.Failed.class, noNumber);
        assertTrue(f.reason().contains("'forty-two' contains no number"), f.reason());
        assertInstanceOf(Verdict.Failed.class, AUTO.judge(new JudgeInput("q", "42", null)));
        assertInstanceOf(Verdict.Failed.class, AUTO.judge(new JudgeInput("q", "42", "\\boxed{4")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NumericVerifier.builder().format(NumericVerifier.AnswerFormat.GSM8K).reference("n/a").build());
        assertTrue(e.getMessage().contains("'n/a' contains no number"), e.getMessage());
    }

    @Test
    void providerBuildsFromSettingsAndRejectsTypos() {
        NumericVerifierProvider p = new NumericVerifierProvider();
        Verifier v = (Verifier) p.createJudge(new JudgeConfig(Map.of("format", "boxed", "abs_tolerance", 0.01), null, null, "judges.yaml#math"));
        assertEquals("numeric:boxed", v.name());
        assertEquals(1, scored(v, "\\boxed{0.333}", "\\frac{1}{3}").score());
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> p.createJudge(new JudgeConfig(Map.of("abs_tolerence", 0.1), null, null, "judges.yaml#math")));
        assertTrue(typo.getMessage().contains("judges.yaml#math") && typo.getMessage().contains("did you mean 'abs_tolerance'"), typo.getMessage());
        Verifier kebab = (Verifier) p.createJudge(new JudgeConfig(Map.of("abs-tolerance", 0.5, "reference", ""), null, null, "t"));
        assertEquals(1, scored(kebab, "about 41.6", "42").score(), "kebab-case names are accepted; a blank optional setting is unset");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> p.createJudge(new JudgeConfig(Map.of("abs-tolerance", 0.5, "abs_tolerance", 0.1), null, null, "t")));
        assertTrue(twice.getMessage().contains("given twice"), twice.getMessage());
        IllegalArgumentException badFormat = assertThrows(IllegalArgumentException.class,
                () -> p.createJudge(new JudgeConfig(Map.of("format", "boxd"), null, null, "judges.yaml#math")));
        assertTrue(badFormat.getMessage().contains("did you mean 'boxed'"), badFormat.getMessage());
    }
}
