package dev.distillery.orchestrator.cli;

import io.quarkus.runtime.Quarkus;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code distillery serve}: the REST API and event streams of a workspace's runs, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the REST API (and event streams) of a workspace's runs on 127.0.0.1; runs can be started "
                + "and cancelled through it. The process owns the workspace's run store while it serves.",
                "GET /api/runs, /api/runs/{id}, /api/runs/{id}/stages, /api/runs/{id}/samples?stage=S&offset=0&limit=20, "
                        + "/api/runs/{id}/metrics?stage=S&series=train/loss, /api/runs/{id}/events?after=SEQ, "
                        + "/api/runs/{id}/events/stream (server-sent events, Last-Event-ID replay); "
                        + "POST /api/runs {\"spec\": PATH}, POST /api/runs/{id}/cancel, GET /api/plugins (what is "
                        + "installed, and where from; reloads rebuilt plugin jars)."},
        footer = {"", "Examples:", "  distillery serve", "  distillery serve --port 9000 --workspace /data/runs",
                "  distillery --plugins plugins serve"})
public class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", description = "Port (default 8080; the launcher passes it to the app).")
    Integer port;

    @Option(names = {"-w", "--workspace"}, paramLabel = "DIR", description = "Workspace (default: runs).")
    Path workspace;

    @ConfigProperty(name = "quarkus.http.port")
    int configuredPort;

    @ConfigProperty(name = "distillery.workspace")
    String configuredWorkspace;

    @Override
    public Integer call() {
        spec.commandLine().getOut().printf("serving the runs of %s on http://127.0.0.1:%d/api/runs (Ctrl-C stops)%n",
                configuredWorkspace, configuredPort);
        spec.commandLine().getOut().flush();
        Quarkus.waitForExit();
        return 0;
    }
}
