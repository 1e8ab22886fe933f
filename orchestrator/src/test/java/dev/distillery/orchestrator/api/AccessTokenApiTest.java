package dev.distillery.orchestrator.api;

import dev.distillery.datasets.json.Json;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `distillery serve --host 0.0.0.0` with an access token, over real HTTP: every API route (the event stream and
 * oddly spelled paths included) answers 401 without the token or with a wrong one, and works with it as a header or
 * as {@code ?access_token=}; the dashboard's static files load without it, and the page, opened as /?token=T,
 * fetches and streams with it.
 */
@QuarkusTest
@TestProfile(AccessTokenApiTest.Guarded.class)
class AccessTokenApiTest {

    static final String TOKEN = "t0ken-for-the-access-test-5e1f";
    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("distillery-access-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Listens on every interface (not loopback), which is allowed because a token is set. */
    public static class Guarded implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("distillery.workspace", DIR.resolve("runs").toString(), "quarkus.http.host", "0.0.0.0",
                    "distillery.access-token", TOKEN);
        }
    }

    @TestHTTPResource("/")
    URL url;

    final HttpClient http = HttpClient.newHttpClient();
    String base;
    static String runId;

    @BeforeEach
    void aFinishedRun() throws Exception {
        base = "http://127.0.0.1:" + url.getPort();
        if (runId != null) return;
        Files.writeString(DIR.resolve("tasks.jsonl"), """
                {"text": "What is 2 + 3?"}
                {"text": "Write in upper case: big dog"}
                """);
        Path spec = Files.writeString(DIR.resolve("guarded.yaml"), """
                name: guarded
                models:
                  teacher: {provider: sandbox, parameters: {error_rate: 0}}
                stages:
                  - {name: seeds, kind: source, path: tasks.jsonl}
                  - name: answers
                    kind: flow
                    inputs: [seeds]
                    flow: responses
                    settings: {strategies: [direct-answer]}
                    models: {teacher: teacher}
                """);
        HttpResponse<String> started = send("POST", "/api/runs", Json.string(Map.of("spec", spec.toString())), "Bearer " + TOKEN);
        assertEquals(200, started.statusCode(), started.body());
        String id = Json.MAPPER.readTree(started.body()).get("id").asText();
        for (int i = 0; i < 300; i++) {
            String status = Json.MAPPER.readTree(send("GET", "/api/runs/" + id, null, "Bearer " + TOKEN).body()).get("status").asText();
            if (status.equals("SUCCEEDED")) break;
            assertFalse(status.equals("FAILED"), "the run failed");
            Thread.sleep(100);
        }
        runId = id;
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authorization != null) b.header("Authorization", authorization);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every route of the API, with the method, and a body where it takes one. */
    private List<String[]> routes() {
        String run = "/api/runs/" + runId;
        return List.of(
                new String[] {"GET", "/api/runs", null},
                new String[] {"GET", run, null},
                new String[] {"GET", run + "/stages", null},
                new String[] {"GET", run + "/samples?stage=answers&limit=1", null},
                new String[] {"GET", run + "/metrics?stage=answers&series=train/loss", null},
                new String[] {"GET", run + "/events?after=0", null},
                new String[] {"GET", run + "/events/stream", null},
                new String[] {"GET", run + "/judges", null},
                new String[] {"GET", run + "/reports", null},
                new String[] {"GET", "/api/plugins", null},
                new String[] {"POST", run + "/cancel", null},
                new String[] {"POST", "/api/runs", Json.string(Map.of("spec", DIR.resolve("guarded.yaml").toString()))});
    }

    @Test
    void everyApiRouteNeedsTheToken() throws Exception {
        for (String[] r : routes()) {
            for (String auth : new String[] {null, "Bearer wrong-token-of-the-same-size", "Bearer " + TOKEN + "x",
                    "Basic " + TOKEN, TOKEN, "Bearer"}) {
                HttpResponse<String> res = send(r[0], r[1], r[2], auth);
                assertEquals(401, res.statusCode(), r[0] + " " + r[1] + " with " + auth + ": " + res.body());
                assertTrue(Json.MAPPER.readTree(res.body()).get("error").asText().contains("access token"), res.body());
                assertTrue(res.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), res.headers().toString());
            }
            String wrongParam = r[1] + (r[1].contains("?") ? "&" : "?") + "access_token=" + TOKEN.substring(1);
            assertEquals(401, send(r[0], wrongParam, r[2], null).statusCode(), wrongParam);
        }
        // Spellings that reach the same routes (or would, on a lenient router) need it too: the guard denies by default.
        for (String odd : new String[] {"/%61pi/runs", "/api/runs/", "//api/runs", "/api/./runs", "/x/../api/runs",
                "/index.html/../api/runs", "/api/nothing-here", "/api", "/q/dev-ui", "/index.html?x=/api/runs"}) {
            int status = send("GET", odd, null, null).statusCode();
            if (odd.startsWith("/index.html?")) assertEquals(200, status, odd);
            else assertEquals(401, status, odd);
        }
    }

    @Test
    void theTokenOpensEveryRouteAsHeaderOrQueryParameter() throws Exception {
        for (String[] r : routes()) {
            if (r[0].equals("POST") && r[1].equals("/api/runs")) continue; // would start another run; done in @BeforeEach
            HttpResponse<String> withHeader = send(r[0], r[1], r[2], "Bearer " + TOKEN);
            assertEquals(200, withHeader.statusCode(), r[0] + " " + r[1] + ": " + withHeader.body());
            String q = r[1] + (r[1].contains("?") ? "&" : "?") + "access_token=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8);
            HttpResponse<String> withParam = send(r[0], q, r[2], null);
            assertEquals(200, withParam.statusCode(), r[0] + " " + q + ": " + withParam.body());
        }
        // The stream with the token in its URL, as the dashboard's EventSource opens it: the run's history, then the end.
        String stream = send("GET", "/api/runs/" + runId + "/events/stream?access_token=" + TOKEN, null, null).body();
        assertTrue(stream.contains("event:stage-finished") || stream.contains("event: stage-finished"), stream);
    }

    @Test
    void theDashboardFilesLoadWithoutTheToken() throws Exception {
        List<String> files = new ArrayList<>(List.of("/"));
        try (Stream<Path> s = Files.list(Path.of("src/main/resources/META-INF/resources"))) {
            s.forEach(f -> files.add("/" + f.getFileName()));
        }
        assertTrue(files.size() >= 4, files.toString());
        for (String f : files) {
            HttpResponse<String> res = send("GET", f, null, null);
            assertEquals(200, res.statusCode(), f + " loads without the token (add new dashboard files to AccessGuard.DASHBOARD_FILES)");
        }
        // They are readable, not writable: anything but GET/HEAD on them needs the token.
        assertEquals(401, send("POST", "/index.html", "{}", null).statusCode());
    }

    @Test
    void theDashboardOpenedWithTheTokenLoadsTheRunAndWithoutItSaysWhatIsMissing() throws Exception {
        assumeTrue(DashboardBrowserTest.chromium() != null, "headless Chromium is installed by .ci/run (apt-get install chromium)");
        String page = dom(base + "/?snapshot&token=" + TOKEN + "#/run/" + runId);
        assertTrue(page.contains(">answers</a>") && page.contains("status-SUCCEEDED"), "the run's stages render:\n" + page);
        String without = dom(base + "/?snapshot#/run/" + runId);
        assertTrue(without.contains("needs its access token"), without);
        assertFalse(without.contains(">answers</a>"), without);
    }

    private static String dom(String url) throws Exception {
        Process p = new ProcessBuilder(DashboardBrowserTest.chromium().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--virtual-time-budget=3000",
                "--dump-dom", url).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }
}
