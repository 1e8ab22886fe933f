package dev.distillery.orchestrator.cli;

import dev.distillery.orchestrator.api.access.AccessGuard;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code distillery serve}: the REST API and event streams of a workspace's runs, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the dashboard, REST API and event streams of a workspace's runs on 127.0.0.1; runs can be "
                + "started and cancelled through it. The process owns the workspace's run store while it serves.",
                "Another host (--host 0.0.0.0) needs an access token: DISTILLERY_ACCESS_TOKEN or --token-file; every "
                        + "API request then sends `Authorization: Bearer <token>` (or ?access_token=<token>), and the "
                        + "dashboard is opened as /?token=<token>.",
                "GET /api/runs, /api/runs/{id}, /api/runs/{id}/stages, /api/runs/{id}/samples?stage=S&offset=0&limit=20, "
                        + "/api/runs/{id}/metrics?stage=S&series=train/loss, /api/runs/{id}/events?after=SEQ, "
                        + "/api/runs/{id}/events/stream (server-sent events, Last-Event-ID replay); "
                        + "POST /api/runs {\"spec\": PATH}, POST /api/runs/{id}/cancel, GET /api/plugins (what is "
                        + "installed, and where from; reloads rebuilt plugin jars)."},
        footer = {"", "Examples:", "  distillery serve", "  distillery serve --port 9000 --workspace /data/runs",
                "  distillery --plugins plugins serve",
                "  openssl rand -hex 24 > ~/.distillery-token && distillery serve --host 0.0.0.0 --token-file ~/.distillery-token"})
public class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", description = "Port (default 8080; the launcher passes it to the app).")
    Integer port;

    @Option(names = {"-w", "--workspace"}, paramLabel = "DIR", description = "Workspace (default: runs).")
    Path workspace;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default 127.0.0.1; "
            + "anything but a loopback address needs an access token; the launcher passes it to the app).")
    String host;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the access token (at least 16 "
            + "characters; or set DISTILLERY_ACCESS_TOKEN; the launcher passes it to the app).")
    Path tokenFile;

    @ConfigProperty(name = "quarkus.http.port")
    int configuredPort;

    @ConfigProperty(name = "distillery.workspace")
    String configuredWorkspace;

    @ConfigProperty(name = "quarkus.http.host")
    String configuredHost;

    @Inject
    AccessGuard access;

    @Override
    public Integer call() {
        String base = "http://" + urlHost(configuredHost) + ":" + configuredPort + "/";
        var out = spec.commandLine().getOut();
        out.printf("serving the runs of %s on %sapi/runs (Ctrl-C stops)%n", configuredWorkspace, base);
        // The token goes to this command's own output only, never to a log: that is where the user looks for it.
        out.printf("dashboard: %s%n", access.policy().token()
                .map(t -> base + "?token=" + URLEncoder.encode(t, StandardCharsets.UTF_8)
                        + "  (API clients send `Authorization: Bearer <token>`)")
                .orElse(base));
        out.flush();
        Quarkus.waitForExit();
        return 0;
    }

    /** A URL's host part: a wildcard address becomes this machine's name, an IPv6 address gets its brackets. */
    static String urlHost(String host) {
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
