package dev.distillery.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code GET /api/runs/{id}/judges} and the dashboard's Judges section, over real HTTP, on a run of the offline
 * sandbox pipeline with two judge stages: a length filter (a cheap screen) and the sandbox's exact verifier after it,
 * so the verifier's records carry both scores and the screen gets a report card against the verifier. Expected
 * numbers are counted from the stages' records.jsonl files, independently of the endpoint.
 */
@QuarkusTest
@TestProfile(RunsApiTest.Workspace.class)
class JudgesApiTest {

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();

    private static String runId;

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return Json.MAPPER.readTree(r.body());
    }

    /** One run for the class: 26 sandbox tasks answered wrongly 30% of the time, and two prompts with no task. */
    private synchronized String judgedRun() throws Exception {
        if (runId != null) return runId;
        Path dir = RunsApiTest.DIR.resolve("judges");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tasks.jsonl"), """
                {"text": "What is 92 + 44?"}
                {"text": "Add 40 and 34."}
                {"text": "Compute the sum of 98 and 15."}
                {"text": "Compute 61 minus 38."}
                {"text": "How much is 63 take away 30?"}
                {"text": "What is 97 - 14?"}
                {"text": "Which is larger, 82 or 50?"}
                {"text": "Name the bigger number: 70 or 25."}
                {"text": "Between 58 and 7, which is greater?"}
                {"text": "Put these words in reverse order: ring ship cat"}
                {"text": "Reverse the order of the words: wind coat map"}
                {"text": "Reverse the order of the words: car nest road lamp"}
                {"text": "Sort these words alphabetically: fish pen map"}
                {"text": "Sort these words alphabetically: milk ring map pen"}
                {"text": "Arrange in alphabetical order: moon box road"}
                {"text": "In the word 'pencat', how often does 'p' occur?"}
                {"text": "How many times does the letter 'o' appear in 'boxkite'?"}
                {"text": "How many times does the letter 'm' appear in 'starmoon'?"}
                {"text": "Convert to capital letters: hat ring book"}
                {"text": "Uppercase these words: red cat ship"}
                {"text": "Convert to capital letters: cat bell"}
                {"text": "Give a JSON object {\\"answer\\": ...} for the sum of 99 and 23."}
                {"text": "Reply in JSON with the key \\"answer\\": what is 6 + 89?"}
                {"text": "What is 40 + 1?"}
                {"text": "Add 44 and 46."}
                {"text": "What is 95 - 4?"}
                {"text": "Tell me about the weather on Mars."}
                {"text": "Describe your favourite colour."}
                """);
        Path spec = dir.resolve("judges.yaml");
        Files.writeString(spec, """
                name: judges
                models:
                  teacher: {provider: sandbox, parameters: {error_rate: 0.3, seed: 5}}
                stages:
                  - {name: seeds, kind: source, path: tasks.jsonl}
                  - name: answers
                    kind: flow
                    inputs: [seeds]
                    flow: responses
                    settings: {strategies: [direct-answer], system-prompt: ""}
                    models: {teacher: teacher}
                  - {name: short, kind: judge, inputs: [answers], judge: length-filter, settings: {max_chars: 4}}
                  - {name: checked, kind: judge, inputs: [short], judge: sandbox-verifier}
                  - {name: correct, kind: filter, inputs: [checked], require: [sandbox-verifier]}
                """);
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(base + "api/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.string(Map.of("spec", spec.toString())))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, started.statusCode(), started.body());
        String id = Json.MAPPER.readTree(started.body()).get("id").asText();
        JsonNode run = null;
        for (int i = 0; i < 600; i++) {
            run = getJson("api/runs/" + id);
            String status = run.get("status").asText();
            if (!status.equals("RUNNING") && !status.equals("PENDING")) break;
            Thread.sleep(100);
        }
        assertEquals("SUCCEEDED", run.get("status").asText(), run.toString());
        runId = id;
        return id;
    }

    /** The records of a stage, read straight from the run directory. */
    private List<JsonNode> records(String id, String stage) throws Exception {
        String where = getJson("api/runs/" + id).get("runDir").asText(); // Jackson writes a Path as a file: URI
        Path runDir = where.startsWith("file:") ? Path.of(URI.create(where)) : Path.of(where);
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve("stages").resolve(stage).resolve("records.jsonl"))) {
            if (!line.isBlank()) out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    /** Value to count over the records that carry {@code score}. */
    private static Map<Double, Long> counts(List<JsonNode> records, String score) {
        Map<Double, Long> counts = new TreeMap<>();
        for (JsonNode r : records) {
            JsonNode s = r.path("scores").path(score);
            if (!s.isMissingNode()) counts.merge(s.get("value").asDouble(), 1L, Long::sum);
        }
        return counts;
    }

    private static Map<Double, Long> bars(JsonNode score) {
        assertEquals("counts", score.at("/histogram/kind").asText(), "a 0/1 score gets one bar per value");
        Map<Double, Long> bars = new TreeMap<>();
        for (JsonNode b : score.at("/histogram/bars")) {
            assertEquals(b.get("lower").asDouble(), b.get("upper").asDouble());
            bars.put(b.get("lower").asDouble(), b.get("count").asLong());
        }
        return bars;
    }

    private static JsonNode stage(JsonNode overview, String name) {
        for (JsonNode s : overview.get("stages")) if (s.get("stage").asText().equals(name)) return s;
        throw new AssertionError("no stage " + name + " in " + overview);
    }

    @Test
    void histogramsCountsAndReportCardsMatchTheRecords() throws Exception {
        String id = judgedRun();
        JsonNode overview = getJson("api/runs/" + id + "/judges");
        assertEquals(10_000, overview.get("limit").asLong());
        List<String> names = new ArrayList<>();
        overview.get("stages").forEach(s -> names.add(s.get("stage").asText()));
        assertEquals(List.of("short", "checked"), names, "judge stages only");

        // The verifier stage: its own score only (not the length filter's, which it inherited).
        List<JsonNode> checked = records(id, "checked");
        JsonNode verifier = stage(overview, "checked");
        assertEquals("sandbox-verifier", verifier.get("judge").asText());
        assertEquals("verifier", verifier.get("judgeKind").asText());
        assertEquals("SUCCEEDED", verifier.get("status").asText());
        assertEquals(checked.size(), verifier.get("records").asLong());
        assertFalse(verifier.get("truncated").asBoolean());
        assertEquals(1, verifier.get("scores").size(), verifier.get("scores").toString());
        JsonNode vs = verifier.get("scores").get(0);
        assertEquals("sandbox-verifier", vs.get("name").asText());
        Map<Double, Long> expected = counts(checked, "sandbox-verifier");
        long scored = expected.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(expected, bars(vs), "histogram = the records' values");
        assertEquals(scored, vs.get("scored").asLong(), "the bars add up to the judged records");
        long unjudged = checked.size() - scored;
        assertEquals(2, unjudged, "the two prompts without a sandbox task cannot be verified");
        assertEquals(unjudged, vs.get("missing").asLong());
        assertEquals(unjudged, verifier.get("failed").asLong());
        assertEquals(unjudged, verifier.at("/failureReasons/0/count").asLong());
        assertTrue(verifier.at("/failureReasons/0/reason").asText().contains("no sandbox task"), verifier.toString());
        assertEquals(expected.getOrDefault(1.0, 0L), vs.get("passed").asLong());
        assertEquals(expected.getOrDefault(0.0, 0L), vs.get("failed").asLong());
        assertTrue(vs.get("passRule").asText().contains("filter stage 'correct'"), vs.toString());
        assertTrue(expected.getOrDefault(0.0, 0L) > 0 && expected.getOrDefault(1.0, 0L) > 0,
                "a teacher wrong 30% of the time gives both outcomes: " + expected);
        assertEquals(0, verifier.get("reportCards").size(), "the verifier is the reference here, not the judged");

        // The length filter: every record scored, pass = 1.
        List<JsonNode> shortRecords = records(id, "short");
        JsonNode screen = stage(overview, "short");
        JsonNode ls = screen.get("scores").get(0);
        assertEquals("length-filter", ls.get("name").asText());
        assertEquals(counts(shortRecords, "length-filter"), bars(ls));
        assertEquals(shortRecords.size(), ls.get("scored").asLong());
        assertEquals(0, screen.get("failed").asLong());
        assertEquals("a 0/1 score: 1 passes", ls.get("passRule").asText());

        // Its report card against the verifier, computed on the verifier stage's records (those it could verify).
        assertEquals(1, screen.get("reportCards").size(), screen.toString());
        JsonNode card = screen.get("reportCards").get(0);
        assertEquals("length-filter", card.get("judge").asText());
        assertEquals("sandbox-verifier", card.get("reference").asText());
        assertEquals("checked", card.get("stage").asText());
        assertEquals(scored, card.get("items").asLong());
        long[][] table = new long[2][2]; // [judge][reference], 0 or 1
        for (JsonNode r : checked) {
            JsonNode ref = r.path("scores").path("sandbox-verifier");
            if (ref.isMissingNode()) continue;
            table[r.at("/scores/length-filter/value").asInt()][ref.get("value").asInt()]++;
        }
        JsonNode confusion = card.get("confusion");
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(table[i][j], confusion.at("/counts/" + i + "/" + j).asLong(), "confusion " + i + "," + j);
            }
        }
        double accuracy = (double) (table[0][0] + table[1][1]) / scored;
        assertEquals(accuracy, card.at("/statistics/accuracy/value").asDouble(), 1e-12);
        JsonNode precision = card.at("/statistics/precision");
        if (table[1][1] + table[1][0] > 0) {
            assertEquals((double) table[1][1] / (table[1][1] + table[1][0]), precision.get("value").asDouble(), 1e-12);
            assertEquals(table[1][1] + table[1][0], precision.get("n").asLong());
        } else {
            assertTrue(precision.isMissingNode(), "no precision without a judge pass");
        }
        JsonNode acc = card.at("/statistics/accuracy");
        assertTrue(acc.get("low").asDouble() <= accuracy && accuracy <= acc.get("high").asDouble(), acc.toString());
        assertEquals(1000, card.at("/bootstrap/resamples").asInt());
        assertTrue(card.get("text").asText().startsWith("Report card: judge 'length-filter' vs 'sandbox-verifier'"));

        // Bounded reads say so; the histogram then covers what was read.
        JsonNode capped = stage(getJson("api/runs/" + id + "/judges?limit=10&resamples=0"), "checked");
        assertEquals(10, capped.get("records").asLong());
        assertTrue(capped.get("truncated").asBoolean());
        assertEquals(counts(checked.subList(0, 10), "sandbox-verifier"), bars(capped.get("scores").get(0)));

        // A named reference replaces the automatic choice: here one that no record carries, so no card.
        JsonNode named = getJson("api/runs/" + id + "/judges?reference=human&resamples=0");
        assertEquals(0, stage(named, "short").get("reportCards").size());
        // The reverse direction on request: the verifier measured against the length filter.
        JsonNode reversed = getJson("api/runs/" + id + "/judges?reference=length-filter&resamples=0");
        assertEquals("length-filter", stage(reversed, "checked").at("/reportCards/0/reference").asText());

        assertEquals(400, get("api/runs/" + id + "/judges?limit=0").statusCode());
        assertEquals(404, get("api/runs/nope/judges").statusCode());
    }

    private static String dom(String url) throws Exception {
        Process p = new ProcessBuilder(DashboardBrowserTest.chromium().toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--virtual-time-budget=5000", "--dump-dom", url).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void theDashboardDrawsAJudgeCardWithAHistogramPerScoreAndTheReportCard() throws Exception {
        assumeTrue(DashboardBrowserTest.chromium() != null, "headless Chromium is installed by .ci/run (apt-get install chromium)");
        String id = judgedRun();
        Map<Double, Long> verified = counts(records(id, "checked"), "sandbox-verifier");
        // Live page of a finished run: the event stream replays and ends, and the section is drawn.
        String page = dom(base + "#/run/" + id);
        assertTrue(page.contains("<section id=\"judges\"><h3>Judges</h3>"), page);
        assertTrue(page.contains("class=\"judge-card\" data-stage=\"short\"")
                && page.contains("class=\"judge-card\" data-stage=\"checked\""), page);
        Matcher svg = Pattern.compile("<svg class=\"histogram\" data-score=\"sandbox-verifier\"[^>]*>(.*?)</svg>",
                Pattern.DOTALL).matcher(page);
        assertTrue(svg.find(), "the verifier's histogram is drawn:\n" + page);
        Matcher bar = Pattern.compile("<rect class=\"bar\" data-count=\"(\\d+)\"").matcher(svg.group(1));
        List<Long> drawn = new ArrayList<>();
        while (bar.find()) drawn.add(Long.parseLong(bar.group(1)));
        assertEquals(new ArrayList<>(verified.values()), drawn, "one bar per value, as counted from the records");
        assertTrue(page.contains("<svg class=\"histogram\" data-score=\"length-filter\""), page);
        assertTrue(page.contains("<h5>length-filter vs sandbox-verifier</h5>"), "the report card is shown");
        assertTrue(page.contains("<tr data-statistic=\"accuracy\">") && page.contains("<tr data-statistic=\"cohen_kappa\">"),
                page);
        assertTrue(page.contains("no sandbox task"), "the failure reasons are listed");
    }
}
