package dev.distillery.orchestrator.api;

import dev.distillery.orchestrator.runs.PipelineRuns;
import dev.distillery.orchestrator.store.RunStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The run store of the workspace {@code distillery serve} owns, opened on first use (CLI commands open their own and
 * never touch this bean), and pipelines started through the API, each on its own thread.
 */
@ApplicationScoped
public class RunService {

    @ConfigProperty(name = "distillery.workspace", defaultValue = "runs")
    String workspace;

    private volatile RunStore store;

    public synchronized RunStore store() {
        if (store == null) store = RunStore.open(Path.of(workspace));
        return store;
    }

    /**
     * Starts a run of {@code spec} in the background and returns its id; a bad spec throws here, with every problem.
     * The run's progress lines go to this process's log.
     */
    public String start(Path spec) {
        RunStore s = store();
        PipelineRuns.Prepared p = PipelineRuns.prepare(s, spec);
        Thread.ofVirtual().name("run-" + p.run().id()).start(() -> {
            try {
                PipelineRuns.execute(s, p, new PrintWriter(System.err, true));
            } catch (RuntimeException e) {
                System.getLogger(RunService.class.getName()).log(System.Logger.Level.ERROR,
                        "run " + p.run().id() + " failed: " + e.getMessage(), e);
            }
        });
        return p.run().id();
    }

    @PreDestroy
    synchronized void close() {
        if (store != null) store.close();
    }
}
