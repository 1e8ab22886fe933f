package dev.distillery.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST API and event stream of `distillery serve`, over real HTTP, on a run of the offline sandbox pipeline. */
@QuarkusTest
@TestProfile(RunsApiTest.Workspace.class)
class RunsApiTest {

    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("distillery-api-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A private workspace for the served run store. */
    public static class Workspace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("distillery.workspace", DIR.resolve("runs").toString());
        }
    }

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path.substring(1))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRunStartedThroughTheApiCanBeFollowedPagedAndStreamed() throws Exception {
        Files.writeString(DIR.resolve("tasks.jsonl"), """
                {"text": "What is 12 + 30?"}
                {"text": "Reverse the order of the words: red cat sun"}
                {"text": "Write in upper case: big dog"}
                {"text": "Which is larger, 17 or 71?"}
                {"text": "Sort these words alphabetically: sun cat map"}
                """);
        Path spec = DIR.resolve("api.yaml");
        Files.writeString(spec, """
                name: api
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
                  - {name: checked, kind: judge, inputs: [answers], judge: sandbox-verifier}
                """);
        HttpResponse<String> started = post("/api/runs", Json.string(Map.of("spec", spec.toString())));
        assertEquals(200, started.statusCode(), started.body());
        String id = Json.MAPPER.readTree(started.body()).get("id").asText();

        JsonNode run = null;
        for (int i = 0; i < 300; i++) {
            run = Json.MAPPER.readTree(get("/api/runs/" + id).body());
            if (run.get("status").asText().equals("SUCCEEDED") || run.get("status").asText().equals("FAILED")) break;
            Thread.sleep(100);
        }
        assertEquals("SUCCEEDED", run.get("status").asText(), run.toString());

        JsonNode stages = Json.MAPPER.readTree(get("/api/runs/" + id + "/stages").body());
        assertEquals(3, stages.size(), stages.toString());
        for (JsonNode s : stages) assertEquals(5, s.at("/counters/recordsOut").asInt(), s.toString());

        // The graph is the spec's stages in spec order with their kinds and inputs (the dashboard draws the edges).
        JsonNode graph = Json.MAPPER.readTree(get("/api/runs/" + id + "/graph").body());
        assertEquals(Json.MAPPER.readTree("""
                [{"name": "seeds", "kind": "source", "inputs": []},
                 {"name": "answers", "kind": "flow", "inputs": ["seeds"]},
                 {"name": "checked", "kind": "judge", "inputs": ["answers"]}]"""), graph);
        assertEquals(404, get("/api/runs/nope/graph").statusCode());

        JsonNode page = Json.MAPPER.readTree(get("/api/runs/" + id + "/samples?stage=checked&offset=1&limit=2").body());
        assertEquals(2, page.size(), page.toString());
        assertEquals(1, page.get(0).get("line").asInt());
        assertEquals(1.0, page.get(0).at("/record/scores/sandbox-verifier/value").asDouble(), page.toString());
        assertEquals(400, get("/api/runs/" + id + "/samples?stage=..%2F..%2Fetc").statusCode(), "no way out of the run directory");
        assertEquals(404, get("/api/runs/nope").statusCode());

        JsonNode events = Json.MAPPER.readTree(get("/api/runs/" + id + "/events").body());
        assertTrue(events.size() >= 6, "stage started and finished events: " + events);
        long second = events.get(1).get("seq").asLong();

        // The stream replays what came after Last-Event-ID, then ends because the run is over.
        HttpResponse<java.io.InputStream> sse = http.send(HttpRequest.newBuilder(URI.create(base + "api/runs/" + id
                + "/events/stream")).header("Accept", "text/event-stream").header("Last-Event-ID", Long.toString(second))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, sse.statusCode());
        List<Long> ids = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(sse.body()))) {
            String line;
            while ((line = in.readLine()) != null) if (line.startsWith("id:")) ids.add(Long.parseLong(line.substring(3).trim()));
        }
        assertEquals(events.size() - 2, ids.size(), ids.toString());
        assertTrue(ids.getFirst() > second);

        HttpResponse<String> bad = post("/api/runs", Json.string(Map.of("spec", DIR.resolve("missing.yaml").toString())));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("no such file"), bad.body());
    }

    /**
     * Without a token the API answers this machine only, also when a web page in the user's browser is the client: a
     * page whose own name resolves to 127.0.0.1 (DNS rebinding) is refused by its Host, and a page elsewhere cannot
     * start or cancel runs (its Origin is not the dashboard's).
     */
    @Test
    void aWebPageElsewhereCannotUseTheLocalApi() throws Exception {
        for (String host : new String[] {"evil.example:" + base.getPort(), "127.0.0.1.nip.io", "localhost.evil.example"}) {
            String answer = rawGet("/api/runs", host);
            assertTrue(answer.startsWith("HTTP/1.1 403"), host + ": " + answer);
            assertTrue(answer.contains("only requests addressed to localhost"), answer);
        }
        for (String host : new String[] {"localhost:" + base.getPort(), "127.0.0.1:" + base.getPort(), "[::1]:" + base.getPort()}) {
            assertTrue(rawGet("/api/runs", host).startsWith("HTTP/1.1 200"), host);
        }
        String body = Json.string(Map.of("spec", DIR.resolve("missing.yaml").toString()));
        for (String origin : new String[] {"http://evil.example", "null", "http://localhost:1"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "api/runs")).header("Origin", origin)
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, r.statusCode(), origin + ": " + r.body());
        }
        // The dashboard's own origin passes the guard (and the API then answers about the spec).
        HttpResponse<String> own = http.send(HttpRequest.newBuilder(URI.create(base + "api/runs"))
                .header("Origin", base.getProtocol() + "://" + base.getHost() + ":" + base.getPort())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, own.statusCode(), own.body());
        assertTrue(own.body().contains("no such file"), own.body());
    }

    /** A GET with a Host header of our choosing (HttpClient will not send one that differs from the URI). */
    private String rawGet(String path, String host) throws IOException {
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void samplesCannotLeaveTheRunDirectory() throws Exception {
        Path dir = Files.createDirectories(DIR.resolve("traversal"));
        Files.writeString(dir.resolve("tasks.jsonl"), "{\"text\": \"What is 1 + 1?\"}\n");
        Path spec = Files.writeString(dir.resolve("traversal.yaml"), """
                name: traversal
                stages:
                  - {name: seeds, kind: source, path: tasks.jsonl}
                """);
        HttpResponse<String> started = post("/api/runs", Json.string(Map.of("spec", spec.toString())));
        assertEquals(200, started.statusCode(), started.body());
        String id = Json.MAPPER.readTree(started.body()).get("id").asText();
        JsonNode run = null;
        for (int i = 0; i < 300; i++) {
            run = Json.MAPPER.readTree(get("/api/runs/" + id).body());
            if (run.get("status").asText().equals("SUCCEEDED")) break;
            Thread.sleep(100);
        }
        assertEquals("SUCCEEDED", run.get("status").asText(), run.toString());
        assertEquals(1, Json.MAPPER.readTree(get("/api/runs/" + id + "/samples?stage=seeds").body()).size());

        // Records outside the run directory, one level up (the workspace) and elsewhere, that no request may read,
        Path runDir = Path.of(URI.create(run.get("runDir").asText()));
        String secret = "{\"payload\": {\"text\": \"outside-the-run-directory\"}}\n";
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("records.jsonl"), secret);
        Files.createDirectories(runDir.getParent().resolve("stages").resolve("seeds"));
        Files.writeString(runDir.getParent().resolve("stages").resolve("seeds").resolve("records.jsonl"), secret);
        // and a link inside the run's stage folder that points out of it.
        Files.createSymbolicLink(runDir.resolve("stages").resolve("escape"), outside);

        String up = "..%2F" + runDir.getFileName() + "%2Fstages%2Fseeds";
        for (String stage : new String[] {"..", "..%2F..", "..%2F..%2Fetc", up, "..%2F..%2Fstages%2Fseeds",
                "%2Fetc", "%2Fetc%2Fpasswd", URLEncoder.encode(outside.toString(), StandardCharsets.UTF_8), "C%3A%5CWindows",
                "..%5C..%5Cetc", "seeds%2F..%2F..%2F..", "seeds%2F..", ".hidden", "%2E%2E", "%252e%252e%252fetc",
                "seeds%00", "%00", "escape", "x".repeat(129), ""}) {
            HttpResponse<String> r = get("/api/runs/" + id + "/samples?stage=" + stage);
            assertEquals(400, r.statusCode(), "stage=" + stage + ": " + r.body());
            assertTrue(Json.MAPPER.readTree(r.body()).has("error"), r.body());
            assertFalse(r.body().contains("outside-the-run-directory"), r.body());
        }
        // A run id is looked up, never used as a path.
        for (String badId : new String[] {"..", "..%2F..", "%2Fetc", id + "%2F.."}) {
            HttpResponse<String> r = get("/api/runs/" + badId + "/samples?stage=seeds");
            assertEquals(404, r.statusCode(), badId + ": " + r.body());
            assertFalse(r.body().contains("outside-the-run-directory"), r.body());
        }
    }
}
