package dev.distillery.judges.verify;

import dev.distillery.datasets.spi.Plugins;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every verifier and filter is found through the one ServiceLoader helper and builds from a minimal config. */
class ProviderRegistrationTest {
    private static final Map<String, Map<String, Object>> MINIMAL = Map.of(
            "numeric", Map.of(),
            "match", Map.of(),
            "regex", Map.of("pattern", "4"),
            "json-schema", Map.of("schema", "{\"type\": \"integer\"}"),
            "instructions", Map.of("max_words", 3),
            "java-tests", Map.of(),
            "length-filter", Map.of(),
            "repetition-filter", Map.of(),
            "refusal-filter", Map.of(),
            "charset-filter", Map.of());

    @Test
    void allProvidersAreDiscoveredAndBuildWorkingVerifiers() {
        Map<String, JudgeProvider> byName = Plugins.load(JudgeProvider.class).stream()
                .collect(Collectors.toMap(JudgeProvider::name, Function.identity(), (a, b) -> a));
        for (Map.Entry<String, Map<String, Object>> e : MINIMAL.entrySet()) {
            JudgeProvider p = byName.get(e.getKey());
            assertNotNull(p, "provider " + e.getKey() + " is not registered");
            assertEquals(JudgeProvider.Kind.VERIFIER, p.kind());
            assertFalse(p.description().isBlank());
            assertFalse(p.parameters().isEmpty());
            p.parameters().forEach(param -> assertFalse(param.description().isBlank(), e.getKey() + "." + param.name()));
            Verifier v = assertInstanceOf(Verifier.class, p.createJudge(new JudgeConfig(e.getValue(), null, null, "t")));
            if (e.getKey().equals("java-tests")) continue; // needs a child JVM; covered by its own tests
            Verdict verdict = v.judge(new JudgeInput("What is 2 + 2?", "4", "4"));
            Verdict.Scored s = assertInstanceOf(Verdict.Scored.class, verdict, e.getKey() + ": " + verdict);
            assertEquals(1, s.score(), e.getKey() + ": " + s.rationale());
            assertTrue(s.rationale().startsWith("pass"), s.rationale());
        }
    }
}
