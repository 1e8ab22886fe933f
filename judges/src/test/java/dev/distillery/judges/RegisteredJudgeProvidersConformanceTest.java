package dev.distillery.judges;

import dev.distillery.judges.spi.JudgeProvider;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/** Runs {@link JudgeProviderConformanceTest}'s checks over every provider registered through ServiceLoader. */
class RegisteredJudgeProvidersConformanceTest {

    @TestFactory
    Stream<DynamicContainer> everyRegisteredProviderConforms() {
        List<JudgeProvider> providers = Judges.providers();
        // The six LLM judges and the jury of this package at least; other packages add verifiers and filters.
        assertTrue(providers.size() >= 6, "only " + providers.size() + " providers discovered");
        return providers.stream().map(p -> {
            JudgeProviderConformanceTest checks = new JudgeProviderConformanceTest() {
                @Override
                protected JudgeProvider provider() {
                    return p;
                }
            };
            return dynamicContainer(p.name() + " (" + p.getClass().getSimpleName() + ")", Stream.of(
                    dynamicTest("has a unique usable name", checks::hasAUniqueUsableName),
                    dynamicTest("is discoverable through ServiceLoader", checks::isDiscoverableThroughServiceLoader),
                    dynamicTest("describes itself and its parameters", checks::describesItselfAndItsParameters),
                    dynamicTest("builds what its kind says", checks::buildsWhatItsKindSays),
                    dynamicTest("garbage model output gives verdicts", checks::garbageModelOutputGivesVerdictsNotExceptions),
                    dynamicTest("a throwing model gives verdicts", checks::aModelThatThrowsGivesVerdictsNotExceptions),
                    dynamicTest("gives the same verdicts from several threads", checks::givesTheSameVerdictsFromSeveralThreads)));
        });
    }
}
