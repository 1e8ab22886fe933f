package dev.distillery.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.generators.testserver.OpenAiTestServer;
import dev.distillery.generators.testserver.OpenAiTestServer.Fault;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
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
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API keys are never persisted nor served: a pipeline whose hosted model (openai-compatible, against the in-test
 * OpenAI-protocol server) takes its key from the environment runs through {@code POST /api/runs}; the server echoes the
 * key into errors and answers, to the flow and to an LLM judge, as careless servers do. Then every byte of every file
 * under the test's directory (run directory, spec copy, records, dead letters, judge failures, H2 database, journal,
 * the export) and every API answer (runs, stages, samples, metrics, events, the event stream, judges) is searched.
 */
@QuarkusTest
@TestProfile(SecretsNeverPersistedTest.Workspace.class)
class SecretsNeverPersistedTest {

    /** Set for the test JVM by the orchestrator's surefire configuration (pom.xml). */
    static final String KEY_ENV = "DISTILLERY_LEAKCHECK_API_KEY";
    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("distillery-secrets-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static class Workspace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("distillery.workspace", DIR.resolve("runs").toString());
        }
    }

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();

    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path.substring(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    @Test
    void theKeyOccursInNoPersistedByteAndNoApiAnswer() throws Exception {
        String key = System.getenv(KEY_ENV);
        assertNotNull(key, KEY_ENV + " is set by the orchestrator's surefire configuration");
        StringBuilder tasks = new StringBuilder();
        for (int i = 0; i < 8; i++) tasks.append("{\"text\": \"Task ").append(i).append(": what is ").append(i).append(" + 1?\"}\n");
        Files.writeString(DIR.resolve("tasks.jsonl"), tasks);

        try (OpenAiTestServer server = OpenAiTestServer.builder().keepLog()
                // A server that repeats the credential it got: in a 401's error message and in an answer, to the
                // flow (prompts that start with the task) and to the judge (prompts that quote it).
                .faults(r -> r.prompt().startsWith("Task 3:") || judging(r, "Task 1:")
                        ? new Fault.Rejected(401, "Incorrect API key provided: " + authorization(r))
                        : r.prompt().startsWith("Task 5:") && r.attempt() == 1 ? new Fault.ServerError(503) : Fault.NONE)
                .responder(r -> r.prompt().startsWith("Task 6:") ? "Your request came with " + authorization(r)
                        : judging(r, "Task 2:") ? "I will not grade this; your key is " + authorization(r)
                        : judging(r, "") ? "The answer is right. Rating: [[8]]"
                        : "The answer is " + (r.prompt().charAt(5) - '0' + 1) + ".")
                .start()) {
            Path spec = Files.writeString(DIR.resolve("leakcheck.yaml"), """
                    name: leakcheck
                    models:
                      teacher:
                        provider: openai-compatible
                        base_url: %s
                        model: leak-model
                        api_key_env: %s
                    stages:
                      - {name: seeds, kind: source, path: tasks.jsonl}
                      - name: answers
                        kind: flow
                        inputs: [seeds]
                        flow: responses
                        settings: {strategies: [direct-answer]}
                        models: {teacher: teacher}
                      - {name: graded, kind: judge, inputs: [answers], judge: single-grade, models: {judge: teacher}}
                      - {name: export, kind: export, inputs: [graded], path: out/answers.jsonl, format: trl-messages}
                    """.formatted(server.baseUrl(), KEY_ENV));
            HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(base + "api/runs"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.string(Map.of("spec", spec.toString())))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, started.statusCode(), started.body());
            String id = Json.MAPPER.readTree(started.body()).get("id").asText();
            JsonNode run = null;
            for (int i = 0; i < 600; i++) {
                run = Json.MAPPER.readTree(get("/api/runs/" + id));
                String s = run.get("status").asText();
                if (!s.equals("RUNNING") && !s.equals("PENDING")) break;
                Thread.sleep(100);
            }
            assertEquals("SUCCEEDED", run.get("status").asText(), run.toString());

            // The key was really in play: every request carried it, and the server put it in an error and an answer.
            assertTrue(server.log().size() >= 16, "8 prompts, a retry and 7 judgements: " + server.log().size());
            for (OpenAiTestServer.Request r : server.log()) assertEquals("Bearer " + key, authorization(r));
            assertTrue(server.status(401) >= 2, "the flow's and the judge's rejected calls: " + server.status(401));
            assertTrue(server.log().stream().anyMatch(r -> judging(r, "Task 2:")), "the judge was asked about task 2");

            // Every API answer.
            List<String> answers = new ArrayList<>(List.of(started.body(), get("/api/runs"), get("/api/runs/" + id),
                    get("/api/runs/" + id + "/stages"), get("/api/runs/" + id + "/events?limit=5000"),
                    get("/api/runs/" + id + "/events/stream"), get("/api/runs/" + id + "/judges"),
                    get("/api/runs/" + id + "/metrics?stage=answers&series=" + URLEncoder.encode("train/loss", StandardCharsets.UTF_8))));
            for (String stage : List.of("seeds", "answers", "graded")) answers.add(get("/api/runs/" + id + "/samples?stage=" + stage + "&limit=500"));
            assertTrue(answers.stream().anyMatch(a -> a.contains("Your request came with")), "the echoing answer is served");
            for (String a : answers) assertNoKey(key, "an API answer", a.getBytes(StandardCharsets.UTF_8));

            // Every persisted byte.
            List<String> names = new ArrayList<>();
            try (Stream<Path> files = Files.walk(DIR)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    names.add(DIR.relativize(f).toString());
                    assertNoKey(key, f.toString(), Files.readAllBytes(f));
                }
            }
            for (String expected : List.of("runs/distillery.mv.db", "runs/distillery.journal", "spec.yaml",
                    "stages/answers/records.jsonl", "stages/answers/dead-letters.jsonl", "stages/graded/records.jsonl",
                    "stages/graded/judge-failures.jsonl", "out/answers.jsonl")) {
                assertTrue(names.stream().anyMatch(n -> n.endsWith(expected)), "searched " + expected + " among " + names);
            }
            // Where the key was, the mask is: the echoing answer, the rejected call's reason; the spec keeps its reference.
            Path runDir = Path.of(URI.create(run.get("runDir").asText()));
            String specCopy = Files.readString(runDir.resolve("spec.yaml"));
            assertTrue(specCopy.contains("api_key_env: " + KEY_ENV), "the spec copy keeps the reference:\n" + specCopy);
            String records = Files.readString(runDir.resolve("stages/answers/records.jsonl"));
            assertTrue(records.contains("Your request came with Bearer ***"), records);
            assertTrue(Files.readString(DIR.resolve("out/answers.jsonl")).contains("Your request came with Bearer ***"));
            String deadLetters = Files.readString(runDir.resolve("stages/answers/dead-letters.jsonl"));
            assertTrue(deadLetters.contains("Incorrect API key provided") && deadLetters.contains("***"), deadLetters);
            String judgeFailures = Files.readString(runDir.resolve("stages/graded/judge-failures.jsonl"));
            assertTrue(judgeFailures.contains("Incorrect API key provided") && judgeFailures.contains("your key is Bearer ***"),
                    judgeFailures);
        }
    }

    /** A judge's request (its prompt quotes the task rather than starting with it) about {@code task}. */
    private static boolean judging(OpenAiTestServer.Request r, String task) {
        return !r.prompt().startsWith("Task ") && r.prompt().contains(task);
    }

    private static String authorization(OpenAiTestServer.Request r) {
        List<String> h = r.headers().get("authorization");
        return h == null ? null : h.getFirst();
    }

    /** The key in plain text, as UTF-16 (how Java serialization or some H2 pages hold strings), or base64. */
    private static void assertNoKey(String key, String where, byte[] bytes) {
        for (byte[] form : List.of(key.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_16BE),
                key.getBytes(StandardCharsets.UTF_16LE), Base64.getEncoder().encode(key.getBytes(StandardCharsets.UTF_8)))) {
            int at = indexOf(bytes, form);
            assertFalse(at >= 0, () -> "the key occurs in " + where + " at byte " + at + ": ..."
                    + new String(bytes, Math.max(0, at - 80), Math.min(bytes.length - Math.max(0, at - 80), 200), StandardCharsets.ISO_8859_1)
                    + "... (" + HexFormat.of().formatHex(form, 0, 4) + "...)");
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
