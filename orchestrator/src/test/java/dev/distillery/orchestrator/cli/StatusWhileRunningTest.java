package dev.distillery.orchestrator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code distillery status} and {@code runs} in this JVM while a child JVM executes a run in the same workspace and
 * holds its run store: they answer from the holder's snapshot, and the counters move between two looks.
 */
class StatusWhileRunningTest {

    @TempDir
    Path tmp;

    static final int TASKS = 80;

    @Test
    void statusAndRunsShowLiveCountersWhileAnotherProcessRuns() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) lines.add("{\"text\": \"What is " + i + " + " + (i * 7 % 50) + "?\"}");
        Files.write(tmp.resolve("tasks.jsonl"), lines);
        Path spec = tmp.resolve("slow.yaml");
        Files.writeString(spec, """
                name: slow
                models:
                  teacher: {provider: sandbox, parameters: {error_rate: 0, latency_ms: 100}}
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
                    batch: 2
                    concurrency: 1
                """);
        Path ws = tmp.resolve("runs");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(javaBin, "-Ddistillery.progress.interval-ms=100", "-cp",
                System.getProperty("java.class.path"), ChildRun.class.getName(), "run", spec.toString(), "-w", ws.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            String runId = awaitMatch(tmp.resolve("child.log"), Pattern.compile("\\[answers] in [1-9]"), child)
                    .transform(log -> {
                        Matcher m = Pattern.compile("run (\\S+) \\(slow\\)").matcher(log);
                        assertTrue(m.find(), log);
                        return m.group(1);
                    });

            String runs = command(new RunCommands.Runs(), "-w", ws.toString());
            assertTrue(runs.contains("held by process " + child.pid()), runs);
            assertTrue(runs.matches("(?s).*" + Pattern.quote(runId) + "\\s+slow\\s+running.*"), runs);

            // The snapshot lags the child's own progress lines by up to a second: look until it shows answers.
            String first = statusUntil(runId, ws, in -> in > 0);
            assertTrue(first.contains("held by process " + child.pid()), first);
            assertTrue(first.contains("run " + runId + " (slow): running"), first);
            long in1 = answersIn(first);
            // The holder rewrites its snapshot every second; the teacher answers under 10 a second.
            String second = statusUntil(runId, ws, in -> in > in1);
            long in2 = answersIn(second);
            assertTrue(second.contains("(slow): running"), second);
            assertTrue(in2 > in1 && in2 < TASKS, "answers in, two looks: " + in1 + " then " + in2 + "\n" + first
                    + "\n" + second);

            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the run finishes");
            assertEquals(0, child.exitValue(), Files.readString(tmp.resolve("child.log")));
            // The store is free now: status reads it directly, and the counters are final.
            String after = command(new RunCommands.Status(), runId, "-w", ws.toString());
            assertFalse(after.contains("held by process"), after);
            assertTrue(after.contains("run " + runId + " (slow): succeeded"), after);
            assertEquals(TASKS, answersIn(after), after);
        } finally {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** {@code status} every 300 ms until the answers row's IN count passes {@code test} (at most 20 s). */
    private static String statusUntil(String runId, Path ws, java.util.function.LongPredicate test)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            String status = command(new RunCommands.Status(), runId, "-w", ws.toString());
            if (test.test(answersIn(status)) || System.currentTimeMillis() > deadline) return status;
            Thread.sleep(300);
        }
    }

    /** The {@code in} column of the answers row of a status table. */
    private static long answersIn(String status) {
        Matcher m = Pattern.compile("(?m)^answers\\s+\\w+\\s+([\\d,]+)").matcher(status);
        assertTrue(m.find(), status);
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    private static String command(Object command, String... args) {
        StringWriter text = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(text, true));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(args);
        assertEquals(0, rc, text + "\n" + err);
        return text.toString();
    }

    private static String awaitMatch(Path log, Pattern p, Process child) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (p.matcher(text).find()) return text;
            if (!child.isAlive()) throw new AssertionError("the child ended early:\n" + text);
            Thread.sleep(50);
        }
        throw new AssertionError("no line matching " + p + " within 60 s:\n" + Files.readString(log));
    }

    /** The child JVM: `distillery run SPEC -w WS`, through the same command class the CLI uses. */
    public static final class ChildRun {
        public static void main(String[] args) {
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            System.exit(new CommandLine(new RunCommands.Run()).execute(rest));
        }
    }
}
