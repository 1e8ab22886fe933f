package dev.distillery.orchestrator.api;

import dev.distillery.datasets.json.Json;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser (headless Chromium, which `.ci/run` installs): opened during a run, its stage
 * counters advance; after the run, the training curve is drawn. Chromium's {@code --dump-dom} gives the page as the
 * browser rendered it, scripts and event stream included.
 */
@QuarkusTest
@TestProfile(RunsApiTest.Workspace.class)
class DashboardBrowserTest {

    @TestHTTPResource("/")
    URL base;

    static Path chromium() {
        for (String p : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
            if (Files.isExecutable(Path.of(p))) return Path.of(p);
        }
        return null;
    }

    static String dom(String url) throws Exception {
        Process p = new ProcessBuilder(chromium().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--virtual-time-budget=3000",
                "--dump-dom", url).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    /** The "in" count of a stage's row in the rendered stage table, or -1 when the row is not there. */
    private static long inCount(String dom, String stage) {
        Matcher m = Pattern.compile(">" + stage + "</a></td><td>[a-z-]+</td>\\s*<td class=\"status-\\w+\">\\w+</td><td class=\"num\">(\\d+)")
                .matcher(dom);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    void countersAdvanceDuringARunAndTheTrainingCurveIsDrawn() throws Exception {
        assumeTrue(chromium() != null, "headless Chromium is installed by .ci/run (apt-get install chromium)");
        Path dir = RunsApiTest.DIR.resolve("browser");
        Files.createDirectories(dir);
        StringBuilder tasks = new StringBuilder();
        for (int i = 0; i < 120; i++) tasks.append("{\"text\": \"What is ").append(i % 50).append(" + ").append(i / 3).append("?\"}\n");
        Files.writeString(dir.resolve("tasks.jsonl"), tasks);
        Path spec = dir.resolve("browser.yaml");
        Files.writeString(spec, """
                name: browser
                models:
                  teacher: {provider: sandbox, parameters: {error_rate: 0.1, latency_ms: 150}}
                stages:
                  - {name: seeds, kind: source, path: tasks.jsonl}
                  - name: answers
                    kind: flow
                    inputs: [seeds]
                    flow: responses
                    settings: {strategies: [direct-answer], system-prompt: ""}
                    models: {teacher: teacher}
                    batch: 2
                    concurrency: 1
                  - name: student
                    kind: train
                    inputs: [answers]
                    train:
                      method: full
                      base_model:
                        path: %s
                        init: {hidden: 32, layers: 1, heads: 2, kv_heads: 1, intermediate: 64, vocab: 300, context: 64}
                      batch: {micro_batch_size: 16, max_length: 48}
                      max_steps: 12
                      output: ignored
                """.formatted(dir.resolve("base")));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(base + "api/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.string(Map.of("spec", spec.toString())))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, started.statusCode(), started.body());
        String id = Json.MAPPER.readTree(started.body()).get("id").asText();
        String page = base + "#/run/" + id;
        // A live page holds its event stream open, and the headless dump waits for it to end (the run's end); the
        // snapshot view renders once, so it shows the run as it stands.
        String snapshot = base + "?snapshot#/run/" + id;

        // The flow answers 120 tasks at about 13 per second (9 s): two looks a moment apart see its count grow.
        long first = -1, later = -1;
        for (int i = 0; i < 40 && (first <= 0 || later <= first); i++) {
            long now = inCount(dom(snapshot), "answers");
            if (first <= 0) first = now;
            else later = now;
        }
        assertTrue(first > 0 && later > first, "counters advance: first " + first + ", later " + later);

        for (int i = 0; i < 600; i++) {
            String status = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "api/runs/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("status").asText();
            if (!status.equals("RUNNING") && !status.equals("PENDING")) {
                assertEquals("SUCCEEDED", status);
                break;
            }
            Thread.sleep(200);
        }
        // The live page, once the run is over: the stream replays the history and ends.
        String done = dom(page);
        assertEquals(120, inCount(done, "answers"), done);
        assertTrue(done.contains("<svg id=\"loss\"") && done.contains("<polyline"), "the training curve is drawn:\n" + done);
        assertTrue(done.contains("stage-finished"), "the event log is filled from the event stream");
    }
}
