package dev.distillery.sandbox;

import dev.distillery.judges.Judges;
import dev.distillery.judges.JudgeProviderConformanceTest;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.sandbox.judge.SandboxVerifierProvider;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sandbox verifier as a plugin: it passes the judges' conformance base and checks answers exactly. */
class SandboxVerifierConformanceTest extends JudgeProviderConformanceTest {

    @Override
    protected JudgeProvider provider() {
        return new SandboxVerifierProvider();
    }

    @Test
    void itIsFoundByNameAndChecksSandboxAnswers() {
        var judge = Judges.judge("sandbox-verifier", new JudgeConfig(null, null, null, "test"));
        Verdict pass = judge.judge(new JudgeInput("### Task\nWhat is 12 + 30?", "The answer is 42.", null));
        assertEquals(1.0, ((Verdict.Scored) pass).score());
        Verdict fail = judge.judge(new JudgeInput("What is 12 + 30?", "41", null));
        assertEquals(0.0, ((Verdict.Scored) fail).score());
        assertTrue(((Verdict.Scored) fail).rationale().contains("expected '42'"));
        assertInstanceOf(Verdict.Failed.class, judge.judge(new JudgeInput("Write a poem.", "Roses...", null)));
    }
}
