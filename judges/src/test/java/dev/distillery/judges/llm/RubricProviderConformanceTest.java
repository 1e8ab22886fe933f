package dev.distillery.judges.llm;

import dev.distillery.judges.JudgeProviderConformanceTest;
import dev.distillery.judges.spi.JudgeProvider;

import java.util.Map;

/** How a plugin author uses the conformance base: here for the rubric judge with a non-default rubric. */
class RubricProviderConformanceTest extends JudgeProviderConformanceTest {

    @Override
    protected JudgeProvider provider() {
        return new RubricProvider();
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("rubric", "honesty", "attempts", 1);
    }
}
