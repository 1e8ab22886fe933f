package dev.distillery.orchestrator.cli;

import dev.distillery.orchestrator.plugins.TagFlowJar;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --plugins DIR} with the example plugin's real jar (built by the examples/custom-flow module): listed with
 * its origin, used by a run of the example pipeline, and a bad directory refused by name.
 */
@QuarkusMainTest
class PluginsCommandTest {

    @TempDir
    Path tmp;

    /** A plugins directory holding a copy of the example plugin's jar, as a user would set one up. */
    private Path pluginsDir() throws IOException {
        Path built = Path.of(System.getProperty("distillery.example.plugin.dir"));
        List<Path> jars;
        try (Stream<Path> s = Files.list(built)) {
            jars = s.filter(p -> p.getFileName().toString().matches("distillery-example-custom-flow-.*\\.jar")).toList();
        }
        assertEquals(1, jars.size(), "the example module's jar in " + built + ": " + jars);
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Files.copy(jars.getFirst(), dir.resolve("cross-check.jar"));
        return dir;
    }

    @Test
    void thePluginsListShowsWhereEachPluginCameFrom(QuarkusMainLauncher launcher) throws IOException {
        Path dir = pluginsDir();
        LaunchResult r = launcher.launch("--plugins", dir.toString(), "plugins", "--section", "flows");
        assertEquals(0, r.exitCode(), r.getOutput() + r.getErrorOutput());
        String out = r.getOutput();
        assertTrue(out.contains("Plugins directory " + dir + ": 1 jar(s): cross-check.jar"), out);
        assertTrue(out.matches("(?s).*  cross-check - Asks the teacher twice.*\n    from: plugins dir: " + Pattern.quote(
                dir.resolve("cross-check.jar").toString()) + "\n.*"), out);
        assertTrue(out.matches("(?s).*  responses - .*?\n    from: built-in\n.*"), out);

        // Without the option the flow is unknown; the option may also follow the sub-command.
        LaunchResult without = launcher.launch("plugins", "--section", "flows");
        assertTrue(!without.getOutput().contains("cross-check"), without.getOutput());
        LaunchResult after = launcher.launch("plugins", "--plugins", dir.toString(), "--section", "flows");
        assertTrue(after.getOutput().contains("cross-check - "), after.getOutput() + after.getErrorOutput());
    }

    @Test
    void aMissingPluginsDirectoryIsAUsageErrorNamingIt(QuarkusMainLauncher launcher) {
        Path missing = tmp.resolve("no-such-dir");
        LaunchResult r = launcher.launch("--plugins", missing.toString(), "plugins");
        assertEquals(2, r.exitCode(), r.getOutput() + r.getErrorOutput());
        assertTrue(r.getErrorOutput().contains("--plugins: plugins directory " + missing + " does not exist"), r.getErrorOutput());
    }

    @Test
    void theExamplePipelineRunsWithThePluginAndItsFilterRaisesTheShareOfCorrectAnswers(QuarkusMainLauncher launcher)
            throws IOException {
        Path examples = Path.of(System.getProperty("distillery.examples.dir"));
        // The same layout as the repository's examples/, so that the spec's relative paths hold.
        Path spec = Files.createDirectories(tmp.resolve("examples/custom-flow")).resolve("pipeline.yaml");
        Files.copy(examples.resolve("custom-flow/pipeline.yaml"), spec);
        Files.createDirectories(tmp.resolve("examples/sandbox"));
        Files.copy(examples.resolve("sandbox/tasks.jsonl"), tmp.resolve("examples/sandbox/tasks.jsonl"));
        String ws = tmp.resolve("runs").toString();

        LaunchResult unknown = launcher.launch("run", spec.toString(), "--workspace", ws);
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.getErrorOutput().contains("unknown flow 'cross-check'"), unknown.getErrorOutput());

        LaunchResult r = launcher.launch("--plugins", pluginsDir().toString(), "run", spec.toString(), "--workspace", ws);
        assertEquals(0, r.exitCode(), r.getOutput() + r.getErrorOutput());
        String out = r.getOutput();
        assertTrue(out.contains("[tasks] done (in 480, out 480"), out);
        long single = outOf(out, "single"), singleCorrect = outOf(out, "single-correct");
        long checked = outOf(out, "checked"), checkedCorrect = outOf(out, "checked-correct");
        assertEquals(480, single);
        assertTrue(checked > 240 && checked < 480, "some disagreements are filtered: " + checked);
        double before = (double) singleCorrect / single, after = (double) checkedCorrect / checked;
        assertTrue(after > before + 0.1, "cross-check keeps a larger share of correct answers: " + before + " -> " + after);
        assertEquals(checked, Files.readAllLines(tmp.resolve("examples/custom-flow/target/cross-checked.jsonl")).size());
    }

    @Test
    void aResumeRecomputesAFlowStageWhosePluginJarWasRebuilt(QuarkusMainLauncher launcher) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("my-plugins"));
        TagFlowJar.write(plugins.resolve("tag.jar"), "v1");
        Files.writeString(tmp.resolve("texts.jsonl"), "{\"text\": \"alpha\"}\n{\"text\": \"beta\"}\n");
        Path spec = Files.writeString(tmp.resolve("tag.yaml"), """
                name: tag
                stages:
                  - {name: seeds, kind: source, path: texts.jsonl}
                  - {name: tagged, kind: flow, inputs: [seeds], flow: tag}
                  - {name: out, kind: export, inputs: [tagged], path: tagged.jsonl, format: trl-text}
                """);
        String ws = tmp.resolve("runs").toString();
        LaunchResult r = launcher.launch("run", spec.toString(), "--workspace", ws, "--plugins", plugins.toString());
        assertEquals(0, r.exitCode(), r.getOutput() + r.getErrorOutput());
        Matcher id = Pattern.compile("run (\\S+) \\(tag\\)").matcher(r.getOutput());
        assertTrue(id.find(), r.getOutput());
        assertTrue(Files.readString(tmp.resolve("tagged.jsonl")).contains("[v1] alpha"));

        LaunchResult same = launcher.launch("--plugins", plugins.toString(), "resume", id.group(1), "--workspace", ws);
        assertTrue(same.getOutput().contains("[tagged] reused"), same.getOutput() + same.getErrorOutput());

        TagFlowJar.write(plugins.resolve("tag.jar"), "v2");
        LaunchResult rebuilt = launcher.launch("--plugins", plugins.toString(), "resume", id.group(1), "--workspace", ws);
        assertEquals(0, rebuilt.exitCode(), rebuilt.getOutput() + rebuilt.getErrorOutput());
        assertTrue(!rebuilt.getOutput().contains("[tagged] reused") && rebuilt.getOutput().contains("[tagged] done"),
                rebuilt.getOutput());
        String out = Files.readString(tmp.resolve("tagged.jsonl"));
        assertTrue(out.contains("[v2] alpha") && !out.contains("[v1]"), out);
    }

    private static long outOf(String output, String stage) {
        Matcher m = Pattern.compile("\\[" + Pattern.quote(stage) + "\\] done \\(in \\d+, out (\\d+)").matcher(output);
        assertTrue(m.find(), "no done line for " + stage + " in\n" + output);
        return Long.parseLong(m.group(1));
    }
}
