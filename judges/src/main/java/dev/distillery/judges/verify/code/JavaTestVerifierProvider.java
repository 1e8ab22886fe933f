package dev.distillery.judges.verify.code;

import dev.distillery.datasets.json.Json;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.verify.VerifierSettings;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Registers {@link JavaTestVerifier} as {@code java-tests}. */
public final class JavaTestVerifierProvider implements JudgeProvider {
    @Override
    public String name() {
        return "java-tests";
    }

    @Override
    public String description() {
        return "Java answer run against input/expected test cases in a sandboxed child JVM (bytecode allowlist, limits)";
    }

    @Override
    public Kind kind() {
        return Kind.VERIFIER;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(
                new JudgeParameter("tests", "fixed test spec {method, class, cases: [{input, expected}]}; "
                        + "absent: each item's reference holds it as JSON", ""),
                new JudgeParameter("time_limit_ms", "wall-clock limit of the child JVM, start-up included", "10000"),
                new JudgeParameter("memory_mb", "heap limit of the child JVM (-Xmx)", "64"),
                new JudgeParameter("network_isolation", "auto | required | off: run in an 'unshare -rn' namespace", "auto"),
                new JudgeParameter("tolerance", "relative tolerance for non-integer results", "1e-9"));
    }

    @Override
    public Judge createJudge(JudgeConfig config) {
        VerifierSettings s = VerifierSettings.of(config, parameters());
        TestSpec tests = null;
        Object raw = s.raw("tests");
        if (raw != null) {
            try {
                tests = raw instanceof String text ? TestSpec.parse(text) : TestSpec.from(Json.MAPPER.valueToTree(raw));
            } catch (IllegalArgumentException e) {
                throw s.error("tests", e.getMessage());
            }
        }
        String isolation = s.choice("network_isolation", "auto", List.of("auto", "required", "off"));
        long time = s.count("time_limit_ms", 10_000);
        long memory = s.count("memory_mb", 64);
        JavaSandbox sandbox;
        try {
            sandbox = JavaSandbox.builder()
                    .timeLimit(Duration.ofMillis(time))
                    .memoryMb((int) Math.min(memory, Integer.MAX_VALUE))
                    .network(JavaSandbox.NetworkIsolation.valueOf(isolation.toUpperCase(Locale.ROOT)))
                    .tolerance(s.number("tolerance", 1e-9))
                    .build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(s.source() + ": " + e.getMessage(), e);
        }
        return new JavaTestVerifier(sandbox, tests);
    }
}
