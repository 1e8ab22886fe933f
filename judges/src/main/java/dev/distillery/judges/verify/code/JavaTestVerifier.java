package dev.distillery.judges.verify.code;

import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a Java answer by running it against test cases in a {@link JavaSandbox}: passes only when every case
 * returns the expected value within the limits. The test cases come from the config or, per item, from the
 * reference (a {@link TestSpec} JSON). The rationale names the first failing case with its input, expected and
 * actual value, or the rejection reason (compile error, forbidden class), or the limit that killed the run.
 *
 * <pre>{@code
 * Verifier v = new JavaTestVerifier(JavaSandbox.builder().build(), null);
 * v.judge(new JudgeInput(task, "```java\nclass Solution { static int solve(int a, int b) { return a + b; } }\n```",
 *         "{\"cases\": [{\"input\": [1, 2], \"expected\": 3}]}"));
 * }</pre>
 *
 * @param sandbox where candidates run
 * @param tests   fixed tests for every item, or null to read them from each item's reference
 */
public record JavaTestVerifier(JavaSandbox sandbox, TestSpec tests) implements Verifier {
    private static final Pattern FENCE = Pattern.compile("```([A-Za-z]*)[ \\t]*\\n(.*?)```", Pattern.DOTALL);

    public JavaTestVerifier {
        if (sandbox == null) throw new IllegalArgumentException("sandbox is required");
    }

    @Override
    public String name() {
        return "java-tests";
    }

    @Override
    public Verdict judge(JudgeInput input) {
        TestSpec spec = tests;
        if (spec == null) {
            if (input.reference() == null || input.reference().isBlank()) {
                return new Verdict.Failed(name(), "no test cases: none configured and the reference is empty", null);
            }
            try {
                spec = TestSpec.parse(input.reference());
            } catch (IllegalArgumentException e) {
                return new Verdict.Failed(name(), "reference: " + e.getMessage(), input.reference());
            }
        }
        String source = code(input.response() == null ? "" : input.response());
        if (source.isBlank()) return new Verdict.Scored(name(), 0, "fail: the response contains no code");
        SandboxResult result;
        try {
            result = sandbox.run(source, spec);
        } catch (RuntimeException e) {
            // The sandbox itself broke (no javac, cannot start a JVM): not the candidate's fault, so no score.
            return new Verdict.Failed(name(), "sandbox error: " + e.getMessage(), null);
        }
        return switch (result) {
            case SandboxResult.Rejected r -> new Verdict.Scored(name(), 0,
                    "fail: rejected at the " + r.stage().name().toLowerCase(java.util.Locale.ROOT) + " stage: " + r.reason());
            case SandboxResult.Ran ran -> verdict(ran, spec);
        };
    }

    private Verdict verdict(SandboxResult.Ran ran, TestSpec spec) {
        long passed = ran.cases().stream().filter(c -> c.status() == SandboxResult.CaseStatus.PASSED).count();
        String summary = passed + "/" + spec.cases().size() + " cases passed in " + ran.millis() + " ms"
                + (ran.isolatedNetwork() ? " (network namespace)" : "");
        if (ran.allPassed()) return new Verdict.Scored(name(), 1, "pass: " + summary);
        SandboxResult.CaseOutcome bad = ran.cases().stream()
                .filter(c -> c.status() != SandboxResult.CaseStatus.PASSED).findFirst().orElse(null);
        String why;
        if (bad == null) {
            why = ran.detail();
        } else {
            TestCase tc = spec.cases().get(bad.index());
            String input = "case " + bad.index() + " (input " + abbreviate(tc.arguments().toString()) + ")";
            why = switch (bad.status()) {
                case WRONG_ANSWER -> input + ": expected " + abbreviate(tc.expected().toString()) + ", got " + abbreviate(bad.actual());
                case EXCEPTION -> input + ": threw " + abbreviate(bad.actual());
                case BAD_INPUT -> input + ": the test input does not fit the method: " + abbreviate(bad.actual());
                case KILLED -> input + ": " + ran.detail();
                case NOT_RUN -> input + " did not run: " + ran.detail();
                case PASSED -> throw new IllegalStateException();
            };
        }
        return new Verdict.Scored(name(), 0, "fail: " + why + "; " + summary);
    }

    /** The first fenced block marked java (else the first fenced block), or the whole response when unfenced. */
    static String code(String response) {
        Matcher m = FENCE.matcher(response);
        String firstBlock = null;
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase("java")) return m.group(2);
            if (firstBlock == null) firstBlock = m.group(2);
        }
        return firstBlock != null ? firstBlock : response;
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }
}
