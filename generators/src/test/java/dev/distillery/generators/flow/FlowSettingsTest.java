package dev.distillery.generators.flow;

import dev.distillery.generators.flows.evolinstruct.EvolInstructFlow;
import dev.distillery.generators.flows.responses.ResponsesFlow;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowSettingsTest {

    @Test
    void defaultsAreFilledAndValuesTyped() {
        FlowSettings s = new EvolInstructFlow().validate(FlowSettings.of(Map.of("rounds", "3", "methods", "breadth, deepening")));
        assertEquals(3, s.integer("rounds"));
        assertEquals(List.of("breadth", "deepening"), s.list("methods"));
        assertEquals(false, s.bool("equality-check"));
    }

    @Test
    void errorsNameTheOriginTheFlowAndTheSetting() {
        FlowConfigException typo = assertThrows(FlowConfigException.class, () -> new EvolInstructFlow()
                .validate(FlowSettings.of(Map.of("rouns", 2), "pipeline.yaml: stages[0].settings")));
        assertEquals("pipeline.yaml: stages[0].settings: flow 'evol-instruct': unknown setting 'rouns'; did you mean 'rounds'? "
                + "Known settings: rounds, methods, equality-check, min-words", typo.getMessage());
        FlowConfigException type = assertThrows(FlowConfigException.class,
                () -> new EvolInstructFlow().validate(FlowSettings.of(Map.of("rounds", 2.5))));
        assertTrue(type.getMessage().contains("setting 'rounds': expected an integer, got '2.5'"), type.getMessage());
        FlowConfigException choice = assertThrows(FlowConfigException.class,
                () -> new ResponsesFlow().validate(FlowSettings.of(Map.of("strategies", List.of("step-by-stp")))));
        assertTrue(choice.getMessage().contains("'step-by-stp' is not allowed; did you mean 'step-by-step'?"), choice.getMessage());
        FlowConfigException range = assertThrows(FlowConfigException.class,
                () -> new EvolInstructFlow().validate(FlowSettings.of(Map.of("rounds", 0))));
        assertTrue(range.getMessage().contains("'rounds' must be >= 1"), range.getMessage());
    }

    @Test
    void aParameterWithoutDefaultIsRequired() {
        FlowParameter p = new FlowParameter("skill", "the skill", FlowParameter.Type.STRING, null, List.of());
        FlowConfigException e = assertThrows(FlowConfigException.class, () -> FlowSettings.EMPTY.resolve("x", List.of(p)));
        assertTrue(e.getMessage().contains("setting 'skill' is required"), e.getMessage());
    }
}
