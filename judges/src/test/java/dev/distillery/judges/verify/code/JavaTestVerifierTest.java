package dev.distillery.judges.verify.code;

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

class JavaTestVerifierTest {
    private static final String SPEC = """
            {"method": "maxPair", "cases": [
              {"input": [[1, 5, 3]], "expected": 8},
              {"input": [[2, 2]], "expected": 4},
              {"input": [[-1, -2, -3]], "expected": -3}]}""";

    private final Verifier verifier = (Verifier) new JavaTestVerifierProvider()
            .createJudge(new JudgeConfig(Map.of("time_limit_ms", 20_000), null, null, "judges.yaml#code"));

    @Test
    void correctAndWrongAnswersFromAModelResponse() {
        String correct = """
                Here is my solution:
                ```java
                import java.util.Arrays;
                public class Solution {
                    public static int maxPair(int[] xs) {
                        int[] s = xs.clone();
                        Arrays.sort(s);
                        return s[s.length - 1] + s[s.length - 2];
                    }
                }
                ```
                It sorts, then adds the two largest.""";
        Verdict.Scored pass = assertInstanceOf(Verdict.Scored.class, verifier.judge(new JudgeInput("q", correct, SPEC)));
        assertEquals(1, pass.score(), pass.rationale());
        assertTrue(pass.rationale().startsWith("pass: 3/3 cases passed"), pass.rationale());

        // Starting the maximum at 0 is wrong for all-negative input: only case 2 fails.
        String wrong = correct.replace("int[] s = xs.clone();", "int a = 0, b = 0;")
                .replace("Arrays.sort(s);", "for (int x : xs) { if (x > a) { b = a; a = x; } else if (x > b) b = x; }")
                .replace("return s[s.length - 1] + s[s.length - 2];", "return a + b;");
        Verdict.Scored fail = assertInstanceOf(Verdict.Scored.class, verifier.judge(new JudgeInput("q", wrong, SPEC)));
        assertEquals(0, fail.score());
        assertTrue(fail.rationale().startsWith("fail: case 2 (input [[-1,-2,-3]]): expected -3, got 0; 2/3 cases passed"),
                fail.rationale());
    }

    @Test
    void forbiddenCodeIsAFailNamingTheReference() {
        String sneaky = "class Solution { static int maxPair(int[] xs) throws Exception {"
                + " return java.nio.file.Files.readAllLines(java.nio.file.Path.of(\"/etc/hostname\")).size(); } }";
        Verdict.Scored v = assertInstanceOf(Verdict.Scored.class, verifier.judge(new JudgeInput("q", sneaky, SPEC)));
        assertEquals(0, v.score());
        assertTrue(v.rationale().startsWith("fail: rejected at the bytecode stage: Solution references forbidden class java.nio.file."),
                v.rationale());
    }

    @Test
    void badTestSpecsAreErrorsNotScores() {
        Verdict.Failed noTests = assertInstanceOf(Verdict.Failed.class, verifier.judge(new JudgeInput("q", "class A {}", null)));
        assertTrue(noTests.reason().contains("no test cases"), noTests.reason());
        Verdict.Failed typo = assertInstanceOf(Verdict.Failed.class,
                verifier.judge(new JudgeInput("q", "class A {}", "{\"method\": \"f\", \"case\": []}")));
        assertTrue(typo.reason().contains("did you mean 'cases'"), typo.reason());
        IllegalArgumentException config = assertThrows(IllegalArgumentException.class, () -> new JavaTestVerifierProvider()
                .createJudge(new JudgeConfig(Map.of("tests", Map.of("cases", List.of(Map.of("input", List.of(1))))), null, null, "judges.yaml#c")));
        assertTrue(config.getMessage().contains("judges.yaml#c") && config.getMessage().contains("cases[0] must have 'input' and 'expected'"),
                config.getMessage());
        IllegalArgumentException memory = assertThrows(IllegalArgumentException.class, () -> new JavaTestVerifierProvider()
                .createJudge(new JudgeConfig(Map.of("memory_mb", 4), null, null, "judges.yaml#c")));
        assertTrue(memory.getMessage().contains("memoryMb must be >= 16"), memory.getMessage());
    }

    @Test
    void codeIsTakenFromTheJavaFence() {
        assertEquals("class B {}\n", JavaTestVerifier.code("text\n```python\nprint(1)\n```\n```java\nclass B {}\n```"));
        assertEquals("class C {}\n", JavaTestVerifier.code("```\nclass C {}\n```"));
        assertEquals("class D {}", JavaTestVerifier.code("class D {}"));
    }
}
