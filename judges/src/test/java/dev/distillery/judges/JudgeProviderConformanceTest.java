package dev.distillery.judges;

import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.PairInput;
import dev.distillery.judges.spi.PairwiseJudge;
import dev.distillery.judges.spi.PairwiseVerdict;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The checks every judge plugin must pass. A plugin's test extends this class and names its provider; the judges
 * module itself runs the same checks over every provider registered through {@code ServiceLoader}
 * ({@code RegisteredJudgeProvidersConformanceTest}). Shipped in the {@code distillery-judges} test-jar.
 *
 * <pre>{@code
 * class ToxicityJudgeProviderTest extends JudgeProviderConformanceTest {
 *     protected JudgeProvider provider() { return new ToxicityJudgeProvider(); }
 *     protected Map<String, Object> settings() { return Map.of("threshold", 0.5); } // only if some are required
 * }
 * }</pre>
 *
 * <p>What it checks: a unique, non-blank name without spaces; a description and documented parameters; discovery
 * through {@code META-INF/services}; {@code createJudge}/{@code createPairwise} consistent with the declared kind;
 * that garbage model output, a model that throws, and empty or garbage inputs all give verdicts (failures as
 * values), never exceptions; and that verdicts given from several threads equal those given one at a time. Models are {@link ScriptedChatModel}s, so providers that need one get one.
 */
public abstract class JudgeProviderConformanceTest {

    /** Replies a careless or broken model might give; none is a well-formed verdict for any built-in judge. */
    protected static final List<String> GARBAGE_REPLIES = List.of("", "lorem ipsum dolor sit amet", "[[", "{\"rating\": ",
            "Rating: [[eleven]]", "[[A]] no wait [[B]]", "[RESULT] 9", "\u0000\uFFFD\u202E", "x".repeat(5000));

    private static final List<JudgeInput> ODD_INPUTS = List.of(
            new JudgeInput("", "", null),
            new JudgeInput("", "", ""),
            new JudgeInput("What is 2+2?", "", null),
            new JudgeInput("{{question}} \u0000", "```\n[[", "]]}{"),
            new JudgeInput("\uFFFD".repeat(100), "Rating: [[10]] [RESULT] 5 (A) True", "{{reference}}"));

    private static final List<PairInput> ODD_PAIRS = List.of(
            new PairInput("", "", "", null),
            new PairInput("What is 2+2?", "", "4", ""),
            new PairInput("{{question}}", "[[A]]", "[[B]]", "]]}{"),
            new PairInput("\u0000", "same", "same", null));

    /** The provider under test. */
    protected abstract JudgeProvider provider();

    /** Settings that make a working judge; default none, i.e. every parameter at its default. */
    protected Map<String, Object> settings() {
        return provider().exampleSettings();
    }

    /** The models handed to the provider; default three (a jury gets three jurors), each following {@code script}. */
    protected List<ChatModel> models(Function<ChatRequest, String> script) {
        return List.of(ScriptedChatModel.answering(script).named("conformance-a"),
                ScriptedChatModel.answering(script).named("conformance-b"),
                ScriptedChatModel.answering(script).named("conformance-c"));
    }

    protected JudgeConfig config(Function<ChatRequest, String> script) {
        return new JudgeConfig(settings(), models(script), null, "conformance test of " + provider().name());
    }

    @Test
    public void hasAUniqueUsableName() {
        String name = provider().name();
        assertNotNull(name, "name");
        assertFalse(name.isBlank(), "name must not be blank");
        assertFalse(name.chars().anyMatch(Character::isWhitespace), "a judge name is written in configs; no whitespace: '" + name + "'");
        long sameName = Judges.providers().stream().filter(p -> p.name().equals(name)).count();
        assertTrue(sameName <= 1, sameName + " registered providers are called '" + name + "'");
    }

    @Test
    public void isDiscoverableThroughServiceLoader() {
        Class<?> type = provider().getClass();
        assertTrue(Judges.providers().stream().anyMatch(p -> p.getClass() == type),
                type.getName() + " is not listed in META-INF/services/" + JudgeProvider.class.getName());
    }

    @Test
    public void describesItselfAndItsParameters() {
        JudgeProvider p = provider();
        assertNotNull(p.description(), "description");
        assertFalse(p.description().isBlank(), "description must say what the judge does");
        assertNotNull(p.kind(), "kind");
        List<JudgeParameter> parameters = p.parameters();
        assertNotNull(parameters, "parameters (an empty list when there are none)");
        Set<String> names = new HashSet<>();
        for (JudgeParameter param : parameters) {
            assertNotNull(param.name(), "parameter name");
            assertFalse(param.name().isBlank(), "parameter name must not be blank");
            assertTrue(names.add(param.name()), "parameter '" + param.name() + "' is declared twice");
            assertNotNull(param.description(), "description of parameter '" + param.name() + "'");
            assertFalse(param.description().isBlank(), "parameter '" + param.name() + "' needs a description");
        }
    }

    @Test
    public void buildsWhatItsKindSays() {
        JudgeProvider p = provider();
        JudgeConfig config = config(r -> "");
        switch (p.kind()) {
            case JUDGE, VERIFIER -> {
                Judge judge = buildJudge(config);
                if (judge == null) return;
                assertFalse(judge.name() == null || judge.name().isBlank(), "a judge needs an identity to store scores under");
                if (p.kind() == JudgeProvider.Kind.VERIFIER) assertInstanceOf(Verifier.class, judge, "a VERIFIER provider builds a Verifier");
                assertThrows(UnsupportedOperationException.class, () -> p.createPairwise(config),
                        "a " + p.kind() + " provider must not build a pairwise judge");
            }
            case PAIRWISE -> {
                PairwiseJudge judge = buildPairwise(config);
                if (judge == null) return;
                assertFalse(judge.name() == null || judge.name().isBlank(), "a judge needs an identity to store scores under");
                assertThrows(UnsupportedOperationException.class, () -> p.createJudge(config),
                        "a PAIRWISE provider must not build a single-answer judge");
            }
        }
    }

    @Test
    public void garbageModelOutputGivesVerdictsNotExceptions() {
        AtomicInteger next = new AtomicInteger();
        judgeEverything(config(r -> GARBAGE_REPLIES.get(Math.floorMod(next.getAndIncrement(), GARBAGE_REPLIES.size()))));
    }

    @Test
    public void aModelThatThrowsGivesVerdictsNotExceptions() {
        judgeEverything(config(r -> {
            throw new IllegalStateException("conformance: the model endpoint is down");
        }));
    }

    /**
     * Judges are shared across worker threads: verdicts given concurrently must equal those given one at a time. The
     * model's reply depends only on the request, so any difference comes from state shared inside the judge.
     */
    @Test
    public void givesTheSameVerdictsFromSeveralThreads() throws Exception {
        JudgeConfig config = config(r -> GARBAGE_REPLIES.get(Math.floorMod(r.messages().toString().hashCode(), GARBAGE_REPLIES.size())));
        List<java.util.concurrent.Callable<Object>> tasks = new java.util.ArrayList<>();
        switch (provider().kind()) {
            case JUDGE, VERIFIER -> {
                Judge judge = buildJudge(config);
                if (judge == null) return;
                for (JudgeInput input : ODD_INPUTS) tasks.add(() -> judge.judge(input));
            }
            case PAIRWISE -> {
                PairwiseJudge judge = buildPairwise(config);
                if (judge == null) return;
                for (PairInput input : ODD_PAIRS) tasks.add(() -> judge.compare(input));
            }
        }
        List<Object> sequential = new java.util.ArrayList<>();
        for (var task : tasks) sequential.add(task.call());
        List<java.util.concurrent.Callable<Object>> repeated = new java.util.ArrayList<>();
        for (int round = 0; round < 4; round++) repeated.addAll(tasks);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            var futures = pool.invokeAll(repeated);
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(sequential.get(i % tasks.size()), futures.get(i).get(),
                        "a verdict given concurrently differs from the one given alone");
            }
        }
    }

    /**
     * Runs every odd input through the judge. When the provider cannot be built from {@link #settings()}, the
     * build check has already verified that the error names a required setting; there is nothing to run.
     */
    private void judgeEverything(JudgeConfig config) {
        switch (provider().kind()) {
            case JUDGE, VERIFIER -> {
                Judge judge = buildJudge(config);
                if (judge == null) return;
                for (JudgeInput input : ODD_INPUTS) {
                    Verdict v = assertDoesNotThrow(() -> judge.judge(input), () -> judge.name() + " threw on " + input);
                    assertNotNull(v, () -> judge.name() + " returned no verdict for " + input);
                    assertEquals(judge.name(), v.judge(), "a verdict carries the identity of the judge that gave it");
                    if (v instanceof Verdict.Scored s) {
                        assertTrue(Double.isFinite(s.score()), () -> "score " + s.score() + " is not a number; that is a failure in disguise");
                    } else if (v instanceof Verdict.Failed f) {
                        assertFalse(f.reason() == null || f.reason().isBlank(), "a failure says why");
                    }
                }
            }
            case PAIRWISE -> {
                PairwiseJudge judge = buildPairwise(config);
                if (judge == null) return;
                for (PairInput input : ODD_PAIRS) {
                    PairwiseVerdict v = assertDoesNotThrow(() -> judge.compare(input), () -> judge.name() + " threw on " + input);
                    assertNotNull(v, () -> judge.name() + " returned no verdict for " + input);
                    assertEquals(judge.name(), v.judge(), "a verdict carries the identity of the judge that gave it");
                    if (v instanceof PairwiseVerdict.Decided d) assertNotNull(d.winner(), "a decided verdict names a winner or TIE");
                    if (v instanceof PairwiseVerdict.Failed f) assertFalse(f.reason() == null || f.reason().isBlank(), "a failure says why");
                }
            }
        }
    }

    private Judge buildJudge(JudgeConfig config) {
        try {
            Judge judge = provider().createJudge(config);
            assertNotNull(judge, "createJudge returned null");
            return judge;
        } catch (IllegalArgumentException e) {
            requiredSettingExplains(e);
            return null;
        }
    }

    private PairwiseJudge buildPairwise(JudgeConfig config) {
        try {
            PairwiseJudge judge = provider().createPairwise(config);
            assertNotNull(judge, "createPairwise returned null");
            return judge;
        } catch (IllegalArgumentException e) {
            requiredSettingExplains(e);
            return null;
        }
    }

    /**
     * A provider may refuse the default settings only because one is required (declared with no default), and its
     * error must name that setting; anything else is a provider that cannot be built as documented.
     */
    private void requiredSettingExplains(IllegalArgumentException e) {
        List<String> required = provider().parameters().stream().filter(p -> p.defaultValue() == null)
                .filter(p -> !settings().containsKey(p.name())).map(JudgeParameter::name).toList();
        if (required.isEmpty()) {
            fail(provider().name() + " declares no required setting but cannot be built from its defaults: " + e.getMessage(), e);
        }
        assertTrue(required.stream().anyMatch(r -> String.valueOf(e.getMessage()).contains(r)),
                () -> "the error should name the missing required setting " + required + ": " + e.getMessage());
    }
}
