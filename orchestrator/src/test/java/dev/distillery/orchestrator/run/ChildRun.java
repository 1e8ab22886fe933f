package dev.distillery.orchestrator.run;

import dev.distillery.orchestrator.runs.PipelineRuns;
import dev.distillery.orchestrator.store.RunStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A child JVM running {@link Main} ({@code distillery run} / {@code resume} on a workspace), its output collected as it
 * comes, for the kill -9 tests.
 */
final class ChildRun {
    final Process process;
    private final StringBuilder output = new StringBuilder();

    private ChildRun(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                        output.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        });
    }

    /**
     * Starts a child ({@code command} is {@code start} with a spec file or {@code resume} with a run id) and waits until
     * its output matches {@code marker} (a regex: the stage is under way), it exits, or a minute passes. Progress
     * lines come every 100 ms.
     */
    static ChildRun start(Path ws, String command, String arg, String marker) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        ChildRun c = new ChildRun(new ProcessBuilder(javaBin, "-Ddistillery.progress.interval-ms=100", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), ws.toString(), command, arg)
                .redirectErrorStream(true).start());
        long deadline = System.currentTimeMillis() + 60_000;
        Pattern p = Pattern.compile(marker);
        synchronized (c.output) {
            while (!p.matcher(c.output).find() && c.process.isAlive() && System.currentTimeMillis() < deadline) {
                c.output.wait(200);
            }
        }
        return c;
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    String output() throws InterruptedException {
        Thread.sleep(200); // let the pump read the last lines
        synchronized (output) {
            return output.toString();
        }
    }

    /** The child JVM: starts or resumes a run, as `distillery run` and `distillery resume` do. */
    public static final class Main {
        public static void main(String[] args) {
            PrintWriter out = new PrintWriter(System.out, true);
            try (RunStore store = RunStore.open(Path.of(args[0]))) {
                PipelineRuns.Outcome o = args[1].equals("start") ? PipelineRuns.start(store, Path.of(args[2]), out)
                        : PipelineRuns.resume(store, args[2], out);
                System.exit(o.succeeded() ? 0 : 1);
            }
        }
    }
}
