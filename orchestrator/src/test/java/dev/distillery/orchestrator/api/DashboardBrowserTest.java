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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser (headless Chromium, which `.ci/run` installs): opened during a run, its stage
 * counters advance and the stage graph colours the running stage; after the run, the graph has a node per stage and an
 * edge per input link, and the training curves (with the DPO stage's reward margins) are drawn. Chromium's {@code --dump-dom} gives the page as the
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

    private static final Pattern NODE = Pattern.compile("<g class=\"node status-(\\w+)\" data-stage=\"([^\"]+)\"\\s+"
            + "transform=\"translate\\((\\d+),(\\d+)\\)\">.*?class=\"counters\">(?:in (\\d+) → out (\\d+)|not started)</text>",
            Pattern.DOTALL);

    /** A stage's node in the rendered graph: its status class, x position and counters; fails when it is missing. */
    private static Map<String, String> graphNode(String dom, String stage) {
        Matcher m = NODE.matcher(dom);
        while (m.find()) {
            if (m.group(2).equals(stage)) {
                return Map.of("status", m.group(1), "x", m.group(3), "in", String.valueOf(m.group(5)),
                        "out", String.valueOf(m.group(6)));
            }
        }
        throw new AssertionError("no graph node for stage " + stage + " in:\n" + dom);
    }

    private static int nodeX(String dom, String stage) {
        return Integer.parseInt(graphNode(dom, stage).get("x"));
    }

    private static int count(String dom, String needle) {
        int n = 0;
        for (int i = dom.indexOf(needle); i >= 0; i = dom.indexOf(needle, i + 1)) n++;
        return n;
    }

    /** The number of points of a train stage's curve, or -1 when the stage shows no such curve. */
    private static int curvePoints(String dom, String stage, String series) {
        int block = dom.indexOf("<div class=\"train-curves\" data-stage=\"" + stage + "\"");
        assertTrue(block >= 0, "no curves for stage " + stage);
        int end = dom.indexOf("<div class=\"train-curves\"", block + 1);
        String part = dom.substring(block, end < 0 ? dom.length() : end);
        Matcher m = Pattern.compile("<svg class=\"curve\" data-series=\"" + Pattern.quote(series) + "\" data-points=\"(\\d+)\"")
                .matcher(part);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
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
                  - {name: prefs, kind: source, path: prefs.jsonl, format: trl-dpo}
                  - name: dpo
                    kind: train
                    inputs: [prefs, student]
                    train:
                      method: full
                      objective: dpo
                      preference: {loss: sigmoid, beta: 0.1}
                      optimizer: {learning_rate: 1.0e-3}
                      batch: {micro_batch_size: 4, max_length: 48}
                      max_steps: 5
                      output: ignored
                """.formatted(dir.resolve("base")));
        StringBuilder prefs = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            prefs.append(Json.string(Map.of("prompt", "What is " + i + " + 1?", "chosen", String.valueOf(i + 1),
                    "rejected", String.valueOf(i + 7)))).append('\n');
        }
        Files.writeString(dir.resolve("prefs.jsonl"), prefs);
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
        String midRun = null;
        for (int i = 0; i < 40 && (first <= 0 || later <= first); i++) {
            String dom = dom(snapshot);
            long now = inCount(dom, "answers");
            if (now > 0 && now < 120 && midRun == null) midRun = dom;
            if (first <= 0) first = now;
            else later = now;
        }
        assertTrue(first > 0 && later > first, "counters advance: first " + first + ", later " + later);
        // While the flow runs, its graph node is coloured as running and shows the same count as the table; the train
        // stages downstream have not started.
        assertTrue(midRun != null, "one look saw the flow part way through");
        assertEquals("RUNNING", graphNode(midRun, "answers").get("status"), midRun);
        assertEquals(inCount(midRun, "answers"), Long.parseLong(graphNode(midRun, "answers").get("in")), midRun);
        assertEquals("PENDING", graphNode(midRun, "dpo").get("status"), midRun);

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
        // The graph: one node per stage, all succeeded, and one edge per input link.
        List<String> stages = List.of("seeds", "answers", "student", "prefs", "dpo");
        assertEquals(stages.size(), count(done, "<g class=\"node "), done);
        for (String stage : stages) assertEquals("SUCCEEDED", graphNode(done, stage).get("status"), stage);
        assertEquals(120, Long.parseLong(graphNode(done, "answers").get("in")), done);
        assertEquals(20, Long.parseLong(graphNode(done, "prefs").get("out")), done);
        List<String> edges = List.of("seeds>answers", "answers>student", "prefs>dpo", "student>dpo");
        assertEquals(edges.size(), count(done, "<path class=\"edge\""), done);
        for (String e : edges) {
            String[] ft = e.split(">");
            assertTrue(done.contains("<path class=\"edge\" data-from=\"" + ft[0] + "\" data-to=\"" + ft[1] + "\""), "edge " + e);
        }
        // Layers follow the longest path from a source: the dpo stage sits right of student, prefs in the first column.
        assertTrue(nodeX(done, "prefs") == nodeX(done, "seeds") && nodeX(done, "dpo") > nodeX(done, "student")
                && nodeX(done, "student") > nodeX(done, "answers"), done);
        // The curves: loss and learning rate of both train stages with a point per step, and the DPO stage's reward
        // margin and accuracy, which only a preference objective reports.
        assertEquals(12, curvePoints(done, "student", "train/loss"), done);
        assertEquals(12, curvePoints(done, "student", "train/learning_rate"), done);
        assertEquals(-1, curvePoints(done, "student", "train/rewards/margins"), "SFT has no reward margin");
        assertEquals(5, curvePoints(done, "dpo", "train/loss"), done);
        assertEquals(5, curvePoints(done, "dpo", "train/rewards/margins"), done);
        assertEquals(5, curvePoints(done, "dpo", "train/rewards/accuracies"), done);
        assertTrue(done.contains("<polyline"), "the curves are drawn");
        assertTrue(done.contains("stage-finished"), "the event log is filled from the event stream");
    }
}
