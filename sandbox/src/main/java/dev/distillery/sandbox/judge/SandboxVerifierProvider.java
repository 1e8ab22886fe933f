package dev.distillery.sandbox.judge;

import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;
import dev.distillery.sandbox.world.Task;
import dev.distillery.sandbox.world.TaskWorld;

import java.util.List;
import java.util.Optional;

/**
 * {@code sandbox-verifier}: the sandbox world's exact check as a judge. It finds the sandbox task in the prompt and
 * checks the response against the task's answer (score 1 or 0); a prompt with no sandbox task is a recorded failure.
 * This is the ground truth LLM judges are measured against in the sandbox.
 */
public final class SandboxVerifierProvider implements JudgeProvider {

    public static final String NAME = "sandbox-verifier";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Exact check of answers to the offline sandbox's tasks (skill found from the prompt)";
    }

    @Override
    public Kind kind() {
        return Kind.VERIFIER;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of();
    }

    @Override
    public Judge createJudge(JudgeConfig config) {
        if (!config.settings().isEmpty()) {
            throw new IllegalArgumentException((config.source() == null ? "" : config.source() + ": ")
                    + NAME + " takes no settings, got " + config.settings().keySet());
        }
        return new SandboxVerifier(TaskWorld.standard());
    }

    /** Thread-safe: the world is immutable. */
    static final class SandboxVerifier implements Verifier {
        private final TaskWorld world;

        SandboxVerifier(TaskWorld world) {
            this.world = world;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Verdict judge(JudgeInput input) {
            if (input == null || input.prompt() == null || input.response() == null) {
                return new Verdict.Failed(NAME, "no prompt or no response to check", null);
            }
            Optional<Task> task = world.parse(input.prompt());
            if (task.isEmpty()) return new Verdict.Failed(NAME, "the prompt holds no sandbox task", input.prompt());
            Task t = task.get();
            boolean ok = world.skill(t.skill()).verify(t, input.response());
            return new Verdict.Scored(NAME, ok ? 1 : 0, (ok ? "pass" : "fail") + ": " + t.skill() + ", expected '"
                    + t.answer() + "'");
        }
    }
}
