package dev.distillery.orchestrator.cli;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** distillery run, runs, status, resume and cancel on a small offline pipeline (the sandbox's simulated teacher). */
@QuarkusMainTest
class RunCommandsTest {

    @TempDir
    Path tmp;

    @Test
    void aPipelineRunsIsListedReportsItsStagesAndResumesByReusingThem(QuarkusMainLauncher launcher) throws IOException {
        Files.writeString(tmp.resolve("tasks.jsonl"), """
                {"text": "What is 12 + 30?"}
                {"text": "Reverse the order of the words: red cat sun"}
                {"text": "Write in upper case: big dog"}
                {"text": "Which is larger, 17 or 71?"}
                """);
        Path spec = tmp.resolve("mini.yaml");
        Files.writeString(spec, """
                name: mini
                models:
                  teacher: {provider: sandbox, parameters: {error_rate: 0}}
                stages:
                  - name: seeds
                    kind: source
                    path: tasks.jsonl
                  - name: answers
                    kind: flow
                    inputs: [seeds]
                    flow: responses
                    settings: {strategies: [direct-answer]}
                    models: {teacher: teacher}
                  - name: checked
                    kind: judge
                    inputs: [answers]
                    judge: sandbox-verifier
                  - name: export
                    kind: export
                    inputs: [checked]
                    path: out.jsonl
                    format: trl-messages
                """);
        String ws = tmp.resolve("runs").toString();

        // A dry run previews two records per stage in a throw-away workspace and writes nothing of the user's.
        LaunchResult dry = launcher.launch("run", spec.toString(), "--dry-run", "2");
        assertEquals(0, dry.exitCode(), dry.getOutput() + dry.getErrorOutput());
        assertTrue(dry.getOutput().contains("skipped: [export]"), dry.getOutput());
        assertTrue(dry.getOutput().matches("(?s).*\\[checked\\] succeeded\n  \\{\"id\".*"), dry.getOutput());
        assertTrue(dry.getOutput().matches("(?s).*\\[answers\\] succeeded\n  \\{.*\"flow\":\"responses\".*"), dry.getOutput());
        assertTrue(!Files.exists(tmp.resolve("out.jsonl")) && !Files.exists(tmp.resolve("runs")));

        LaunchResult r = launcher.launch("run", spec.toString(), "--workspace", ws);
        assertEquals(0, r.exitCode(), r.getOutput() + r.getErrorOutput());
        String out = r.getOutput();
        Matcher m = Pattern.compile("run (\\S+) \\(mini\\)").matcher(out);
        assertTrue(m.find(), out);
        String runId = m.group(1);
        assertTrue(out.contains("[answers] done (in 4, out 4, rejected 0)"), out);
        assertTrue(out.contains("run " + runId + " succeeded"), out);
        assertEquals(4, Files.readAllLines(tmp.resolve("out.jsonl")).size());

        LaunchResult runs = launcher.launch("runs", "--workspace", ws);
        assertEquals(0, runs.exitCode(), runs.getErrorOutput());
        assertTrue(runs.getOutput().contains(runId) && runs.getOutput().contains("succeeded"), runs.getOutput());

        LaunchResult status = launcher.launch("status", runId, "--workspace", ws);
        assertEquals(0, status.exitCode(), status.getErrorOutput());
        assertTrue(status.getOutput().matches("(?s).*checked\\s+succeeded\\s+4\\s+4.*"), status.getOutput());

        LaunchResult resumed = launcher.launch("resume", runId, "--workspace", ws);
        assertEquals(0, resumed.exitCode(), resumed.getOutput() + resumed.getErrorOutput());
        assertTrue(resumed.getOutput().contains("[answers] reused"), resumed.getOutput());

        LaunchResult cancel = launcher.launch("cancel", runId, "--workspace", ws);
        assertEquals(0, cancel.exitCode(), cancel.getErrorOutput());
        assertTrue(cancel.getOutput().contains("not executing"), cancel.getOutput());

        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, "name: b\nstages:\n  - name: s\n    kind: sorce\n");
        LaunchResult bad = launcher.launch("run", broken.toString(), "--workspace", ws);
        assertEquals(1, bad.exitCode());
        assertTrue(bad.getErrorOutput().contains("broken.yaml:4: stages[0].kind: unknown stage kind 'sorce', did you mean 'source'?"),
                bad.getErrorOutput());
        LaunchResult unknown = launcher.launch("status", "nope", "--workspace", ws);
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.getErrorOutput().contains("no run 'nope'"), unknown.getErrorOutput());
    }
}
