package dev.distillery.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.sandbox.world.Task;
import dev.distillery.sandbox.world.TaskWorld;
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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code GET /api/runs/{id}/reports} and the dashboard's Report section, over real HTTP and in headless Chromium, on
 * a small sandbox study that runs every stage for real: teacher answers and the verifier, SFT of a tiny student,
 * held-out evaluation of the untrained and the trained student per skill, on-policy samples with the verifier on them,
 * and the report comparing the two evaluations. A student this small learns no sandbox skill in seconds, so it is
 * trained on a drill it can learn (answer "hi" to a greeting): the held-out "greeting" group then goes from 0% to
 * high while the sandbox skills stay at 0, which gives the tables both kinds of cell (a difference whose interval
 * excludes zero, and ones that do not). Expected values come from the report stage's own report.json on disk.
 */
@QuarkusTest
@TestProfile(RunsApiTest.Workspace.class)
class ReportApiTest {

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();

    /** The study's run, and the live dashboard page Chromium opened on it while it ran (its DOM once the run ended). */
    private static String studyId;
    private static CompletableFuture<String> livePage;

    static final String STUDY = """
            name: report-study
            seed: 3
            models:
              teacher: {provider: sandbox, parameters: {error_rate: 0.2, seed: 7}}
            stages:
              - {name: tasks, kind: source, path: tasks.jsonl}
              - {name: drill, kind: source, path: drill.jsonl}
              - name: answers
                kind: flow
                inputs: [tasks]
                flow: responses
                settings: {strategies: [direct-answer], system-prompt: ""}
                models: {teacher: teacher}
                batch: 32
              - {name: verified, kind: judge, inputs: [answers], judge: sandbox-verifier}
              - {name: kept, kind: filter, inputs: [verified], require: [sandbox-verifier]}
              - name: sft
                kind: train
                inputs: [drill]
                train:
                  method: full
                  base_model:
                    path: BASE
                    init: {family: llama, hidden: 32, layers: 1, heads: 2, kv_heads: 1, intermediate: 64, vocab: 384,
                           context: 96, seed: 1}
                  optimizer: {learning_rate: 1.0e-2, weight_decay: 0.0}
                  batch: {micro_batch_size: 16, max_length: 48}
                  max_steps: 30
                  seed: 42
                  output: ignored
              - {name: eval-base, kind: eval, inputs: [sft], model: base, data: heldout.jsonl, verifier: normalized,
                 max_new_tokens: 8, group_by: skill}
              - {name: eval-sft, kind: eval, inputs: [sft], data: heldout.jsonl, verifier: normalized,
                 max_new_tokens: 8, group_by: skill}
              - {name: samples, kind: sample, inputs: [tasks, sft], n: 2, temperature: 1.0, max_new_tokens: 8}
              - {name: samples-verified, kind: judge, inputs: [samples], judge: sandbox-verifier}
              - name: report
                kind: report
                # samples-verified is an input so that the report waits for it: the agreement and diversity
                # sections read its records and its samples' report, which no eval stage depends on here.
                inputs: [eval-base, eval-sft, samples-verified]
                compare: [[eval-sft, eval-base]]
                agreement: [{stage: samples-verified, judge: sandbox-verifier, reference: sandbox-verifier}]
            """;

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return Json.MAPPER.readTree(r.body());
    }

    private String start(Path spec) throws Exception {
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(base + "api/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.string(Map.of("spec", spec.toString())))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, started.statusCode(), started.body());
        return Json.MAPPER.readTree(started.body()).get("id").asText();
    }

    private void awaitSuccess(String id) throws Exception {
        JsonNode run = null;
        for (int i = 0; i < 3000; i++) { // up to 5 minutes: the test machine's cores are shared
            run = getJson("api/runs/" + id);
            String status = run.get("status").asText();
            if (!status.equals("RUNNING") && !status.equals("PENDING")) break;
            Thread.sleep(100);
        }
        assertEquals("SUCCEEDED", run.get("status").asText(), run.toString());
    }

    private Path runDir(String id) throws Exception {
        String where = getJson("api/runs/" + id).get("runDir").asText(); // Jackson writes a Path as a file: URI
        return where.startsWith("file:") ? Path.of(URI.create(where)) : Path.of(where);
    }

    /** One study for the class; Chromium opens its live page as soon as it starts, so the page sees the report arrive. */
    private synchronized String study() throws Exception {
        if (studyId != null) return studyId;
        Path dir = RunsApiTest.DIR.resolve("report-study");
        Files.createDirectories(dir);
        TaskWorld world = TaskWorld.standard();
        Set<String> seen = new HashSet<>();
        write(dir.resolve("tasks.jsonl"), world.evalSet(12, 1, seen), seen, false);
        write(dir.resolve("heldout.jsonl"), world.evalSet(5, 2026, seen), seen, true);
        List<String> drill = new ArrayList<>(), greetings = new ArrayList<>();
        String[] names = {"Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy", "Jo", "Kim", "Lu"};
        for (int i = 0; i < 64; i++) drill.add(greeting(names[i % names.length], i % 2 == 0 ? "Greet" : "Say hi to"));
        for (String name : List.of("Mo", "Ned", "Oli", "Pam", "Quin", "Ros", "Sid", "Tom")) greetings.add(greeting(name, "Greet"));
        Files.write(dir.resolve("drill.jsonl"), drill);
        Files.write(dir.resolve("heldout.jsonl"), greetings, java.nio.file.StandardOpenOption.APPEND);
        Path spec = dir.resolve("study.yaml");
        Files.writeString(spec, STUDY.replace("BASE", dir.resolve("base").toString()));
        String id = start(spec);
        if (DashboardBrowserTest.chromium() != null) {
            // The live page follows the event stream until the run ends; the dump is the page after that.
            livePage = CompletableFuture.supplyAsync(() -> {
                try {
                    return dom(base + "#/run/" + id);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        awaitSuccess(id);
        studyId = id;
        return id;
    }

    private static String greeting(String name, String verb) {
        var o = Json.object();
        var m = o.putArray("messages");
        m.addObject().put("role", "user").put("content", verb + " " + name + ".");
        m.addObject().put("role", "assistant").put("content", "hi");
        return Json.string(o.put("skill", "greeting"));
    }

    private static void write(Path file, List<Task> tasks, Set<String> seen, boolean withAnswer) throws Exception {
        List<String> lines = new ArrayList<>();
        for (Task t : tasks) {
            seen.add(t.key());
            var o = Json.object();
            if (withAnswer) {
                var m = o.putArray("messages");
                m.addObject().put("role", "user").put("content", t.instruction());
                m.addObject().put("role", "assistant").put("content", t.answer());
            } else {
                o.put("text", t.instruction());
            }
            lines.add(Json.string(o.put("skill", t.skill())));
        }
        Files.write(file, lines);
    }

    private static String dom(String url) throws Exception {
        Process p = new ProcessBuilder(DashboardBrowserTest.chromium().toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--virtual-time-budget=3000", "--dump-dom", url).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void theReportsEndpointServesEachReportStagesReportJson() throws Exception {
        String id = study();
        JsonNode reports = getJson("api/runs/" + id + "/reports");
        assertEquals(1, reports.size(), reports.toString());
        JsonNode entry = reports.get(0);
        assertEquals("report", entry.get("stage").asText());
        assertEquals("SUCCEEDED", entry.get("status").asText());
        assertTrue(entry.get("error").isNull());
        Path stage = runDir(id).resolve("stages/report");
        assertEquals(Json.MAPPER.readTree(stage.resolve("report.json").toFile()), entry.get("report"),
                "the content is the stage's report.json");
        assertEquals(Files.readString(stage.resolve("report.md")), entry.get("markdown").asText());

        // What the report holds, as the stages wrote it: a column per eval stage with every skill, the comparison,
        // a row per other stage, the samples' diversity and the verifier against itself (precision and recall 1).
        JsonNode report = entry.get("report");
        List<String> skills = TaskWorld.standard().skillNames();
        for (String eval : List.of("eval-base", "eval-sft")) {
            JsonNode groups = Json.MAPPER.readTree(runDir(id).resolve("stages/" + eval + "/eval-report.json").toFile())
                    .get("groups");
            assertEquals(groups, report.at("/accuracy/" + eval));
            for (String skill : skills) assertEquals(5, groups.path(skill).path("n").asInt(), eval + " " + skill);
            assertEquals(8, groups.path("greeting").path("n").asInt(), eval + " greeting");
        }
        assertEquals(1, report.get("comparisons").size());
        assertEquals("eval-sft", report.at("/comparisons/0/a").asText());
        assertEquals(10, report.get("stages").size(), "every stage but the report itself");
        assertEquals("samples", report.at("/diversity/0/stage").asText());
        assertEquals(2L * 12 * skills.size(), report.at("/diversity/0/answers").asLong());
        // The verifier against itself: accuracy 1, and precision and recall 1 unless no sample passed (the tiny
        // student rarely answers a sandbox task right), in which case report.json writes them as "NaN".
        assertEquals(2L * 12 * skills.size(), report.at("/agreement/0/n").asLong());
        assertEquals(1.0, report.at("/agreement/0/accuracy").asDouble());
        for (String field : List.of("precision", "recall")) {
            double v = report.at("/agreement/0/" + field).asDouble();
            assertTrue(v == 1.0 || Double.isNaN(v), field + " " + v);
        }

        assertEquals(404, get("api/runs/no-such-run/reports").statusCode());
    }

    @Test
    void aRunWithoutAReportStageHasNoReportsAndALinkOutOfTheRunDirectoryIsRefused() throws Exception {
        Path dir = RunsApiTest.DIR.resolve("report-small");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tasks.jsonl"), "{\"text\": \"What is 2 + 2?\"}\n{\"text\": \"What is 3 + 1?\"}\n");
        Path plain = dir.resolve("plain.yaml");
        Files.writeString(plain, "name: plain\nstages:\n  - {name: seeds, kind: source, path: tasks.jsonl}\n");
        String none = start(plain);
        awaitSuccess(none);
        assertEquals(0, getJson("api/runs/" + none + "/reports").size());

        // A report over no eval stage: only the stage table. Then its report.json is swapped for a link to a file
        // outside the run directory, which the endpoint must not read.
        Path withReport = dir.resolve("counts.yaml");
        Files.writeString(withReport, """
                name: counts
                stages:
                  - {name: seeds, kind: source, path: tasks.jsonl}
                  - {name: table, kind: report, inputs: [seeds]}
                """);
        String id = start(withReport);
        awaitSuccess(id);
        JsonNode reports = getJson("api/runs/" + id + "/reports");
        assertEquals(1, reports.size());
        assertEquals("table", reports.at("/0/stage").asText());
        assertEquals(0, reports.at("/0/report/accuracy").size());
        assertEquals("seeds", reports.at("/0/report/stages/0/stage").asText());
        assertEquals(2, reports.at("/0/report/stages/0/out").asLong());

        Path secret = dir.resolve("secret.json");
        Files.writeString(secret, "{\"secret\": \"TOP-SECRET-CONTENT\"}");
        Path json = runDir(id).resolve("stages/table/report.json");
        Files.delete(json);
        Files.createSymbolicLink(json, secret);
        HttpResponse<String> r = get("api/runs/" + id + "/reports");
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(r.body().contains("TOP-SECRET-CONTENT"), r.body());
        JsonNode refused = Json.MAPPER.readTree(r.body()).get(0);
        assertTrue(refused.get("report").isNull());
        assertTrue(refused.get("error").asText().contains("outside the run directory"), refused.toString());
    }

    /** The text of every {@code <td ...>} cell in the table with class {@code cls}, row by row (header row excluded). */
    private static List<List<String>> cells(String dom, String cls) {
        Matcher table = Pattern.compile("<table class=\"" + cls + "\">(.*?)</table>", Pattern.DOTALL).matcher(dom);
        assertTrue(table.find(), "no table " + cls + " in:\n" + dom);
        List<List<String>> rows = new ArrayList<>();
        Matcher row = Pattern.compile("<tr[^>]*data-(?:group|stage)=[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(table.group(1));
        while (row.find()) {
            List<String> cells = new ArrayList<>();
            Matcher cell = Pattern.compile("<t[hd]([^>]*)>(.*?)</t[hd]>", Pattern.DOTALL).matcher(row.group(1));
            while (cell.find()) cells.add((cell.group(1) + "|" + cell.group(2)).strip());
            rows.add(cells);
        }
        return rows;
    }

    private static final Pattern NUMBER = Pattern.compile("[+−-]?\\d+(?:\\.\\d+)?");

    /** The numbers in a cell's visible text, the Unicode minus read as a minus. */
    private static List<Double> numbers(String cell) {
        Matcher span = Pattern.compile("<span class=\"cell\">(.*?)</span>").matcher(cell);
        assertTrue(span.find(), cell);
        List<Double> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(span.group(1));
        while (m.find()) out.add(Double.parseDouble(m.group().replace('−', '-')));
        return out;
    }

    /** A percentage shown with one decimal equals 100 × the report's fraction, to the rounding. */
    private static void assertShown(double fraction, double shown, String what) {
        assertTrue(Math.abs(100 * fraction - shown) <= 0.05 + 1e-9, what + ": shown " + shown + ", report " + fraction);
    }

    @Test
    void theReportSectionRendersTheReportJson() throws Exception {
        assumeTrue(DashboardBrowserTest.chromium() != null, "headless Chromium is installed by .ci/run (apt-get install chromium)");
        String id = study();
        JsonNode report = Json.MAPPER.readTree(runDir(id).resolve("stages/report/report.json").toFile());
        String dom = dom(base + "?snapshot#/run/" + id);
        assertTrue(dom.contains("<section id=\"report\">"), "the section is shown (not hidden) for a run with a report stage");

        // Accuracy: a row per group, a cell per eval stage, its text "62.0% [48.0, 74.0]" and an interval glyph.
        List<String> evals = new ArrayList<>();
        report.get("accuracy").fieldNames().forEachRemaining(evals::add);
        assertEquals(List.of("eval-base", "eval-sft"), evals);
        Set<String> groups = new LinkedHashSet<>();
        report.at("/accuracy/eval-base").fieldNames().forEachRemaining(groups::add);
        List<List<String>> accuracy = cells(dom, "report-accuracy");
        assertEquals(groups.size(), accuracy.size(), "a row per group");
        List<String> shownGroups = new ArrayList<>();
        for (List<String> row : accuracy) {
            assertEquals(1 + evals.size(), row.size(), row.toString());
            String group = row.get(0).substring(row.get(0).indexOf('|') + 1);
            shownGroups.add(group);
            for (int i = 0; i < evals.size(); i++) {
                String cell = row.get(i + 1);
                assertTrue(cell.contains("data-eval=\"" + evals.get(i) + "\""), cell);
                assertTrue(cell.matches("(?s).*<span class=\"cell\">\\d+\\.\\d% \\[\\d+\\.\\d, \\d+\\.\\d]</span>.*"), cell);
                assertTrue(cell.contains("<svg class=\"glyph\"") && cell.contains("class=\"interval\""), cell);
                JsonNode c = report.at("/accuracy/" + evals.get(i) + "/" + group);
                List<Double> n = numbers(cell);
                assertShown(c.get("accuracy").asDouble(), n.get(0), group + " " + evals.get(i) + " accuracy");
                assertShown(c.get("low").asDouble(), n.get(1), group + " low");
                assertShown(c.get("high").asDouble(), n.get(2), group + " high");
            }
        }
        assertEquals(groups.stream().sorted().toList(), shownGroups.stream().sorted().toList());
        if (groups.contains("all")) assertEquals("all", shownGroups.get(shownGroups.size() - 1), "the total row last");

        // Differences: sign-coloured by whether the interval excludes zero.
        JsonNode cmp = report.at("/comparisons/0");
        List<List<String>> diffs = cells(dom, "report-comparisons");
        assertEquals(cmp.size() - 2, diffs.size(), "a row per group of the comparison");
        for (List<String> row : diffs) {
            String group = row.get(0).substring(row.get(0).indexOf('|') + 1);
            JsonNode v = cmp.get(group);
            assertNotNull(v, group);
            String expected = v.get("low").asDouble() > 0 ? "diff-pos" : v.get("high").asDouble() < 0 ? "diff-neg" : "diff-neutral";
            assertTrue(row.get(1).contains(expected), group + " should be " + expected + ": " + row.get(1));
            List<Double> n = numbers(row.get(1));
            assertShown(v.get("difference").asDouble(), n.get(0), group + " difference");
            assertShown(v.get("low").asDouble(), n.get(1), group + " difference low");
            assertShown(v.get("high").asDouble(), n.get(2), group + " difference high");
        }

        String diffTable = dom.substring(dom.indexOf("<table class=\"report-comparisons\">"));
        diffTable = diffTable.substring(0, diffTable.indexOf("</table>"));
        assertTrue(diffTable.contains("diff-pos") && diffTable.contains("diff-neutral"),
                "the drilled greeting improves beyond doubt, the sandbox skills do not:\n" + diffTable);

        // Stages, diversity and agreement: a row each, with the report's numbers.
        List<List<String>> stages = cells(dom, "report-stages");
        assertEquals(report.get("stages").size(), stages.size());
        for (int i = 0; i < stages.size(); i++) {
            JsonNode s = report.get("stages").get(i);
            List<String> row = stages.get(i);
            assertTrue(row.get(0).endsWith("|" + s.get("stage").asText()), row.toString());
            assertTrue(row.get(2).endsWith("|" + s.get("in").asLong()), row.toString());
            assertTrue(row.get(3).endsWith("|" + s.get("out").asLong()), row.toString());
            assertTrue(row.get(4).endsWith("|" + s.get("rejected").asLong()), row.toString());
            assertTrue(row.get(5).endsWith("|" + s.get("tokens").asLong()), row.toString());
        }
        List<List<String>> diversity = cells(dom, "report-diversity");
        assertEquals(1, diversity.size());
        assertTrue(diversity.get(0).get(1).endsWith("|" + report.at("/diversity/0/answers").asLong()), diversity.toString());
        List<List<String>> agreement = cells(dom, "report-agreement");
        assertEquals(1, agreement.size());
        List<String> fields = List.of("n", "precision", "recall", "accuracy");
        for (int i = 0; i < fields.size(); i++) {
            JsonNode v = report.at("/agreement/0/" + fields.get(i));
            String expected = i == 0 ? v.asText() : Double.isNaN(v.asDouble()) ? "–"
                    : String.format(java.util.Locale.ROOT, "%.3f", v.asDouble());
            assertTrue(agreement.get(0).get(3 + i).endsWith("|" + expected), fields.get(i) + " " + expected + ": " + agreement);
        }

        // The live page, opened as the run started, fetched the report when the report stage finished.
        if (livePage != null) {
            String live = livePage.get(5, TimeUnit.MINUTES);
            assertEquals(groups.size(), cells(live, "report-accuracy").size(), "the live page shows the report:\n" + live);
        }
    }
}
