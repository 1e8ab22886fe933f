package dev.distillery.orchestrator.run;

import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.testserver.OpenAiTestServer;
import dev.distillery.orchestrator.store.RunRecord;
import dev.distillery.orchestrator.store.RunStatus;
import dev.distillery.orchestrator.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 against a paid endpoint: the OpenAI-compatible server runs in this JVM, the pipeline (responses flow,
 * single-grade judge, filter, dedup, export) in a child JVM that connects to it over localhost. Each of three seeded
 * trials kills the child a random 0-900 ms after the flow stage's first progress line, resumes it, kills it a random
 * 0-900 ms after the judge stage's first progress line, and resumes it to the end (the two stages stream, so a kill
 * may catch both part-way).
 *
 * <p>What is asserted, and why:
 * <ul>
 *   <li>Records: every question answered once and judged once (ids and contents), the filter's and the export's
 *       counts exact: a resume neither loses nor repeats a record.</li>
 *   <li>No paid call repeated: after each kill the test reads the workspace's call cache (the answers whose cache
 *       {@code put} had returned, which the store makes durable before the caller continues). No prompt with a
 *       cached answer reaches the server again in any later attempt, even when the record it belongs to was not
 *       committed yet: the resume takes it from the cache. Within one process no prompt is sent twice. So the only
 *       repeats are calls in flight at a kill (answered by the server, or not, but not yet in the cache): each
 *       such prompt is sent again once per kill that caught it, and the test checks that every repeat is of that
 *       kind, and that a kill caused at most 4 teacher and 4 judge repeats (each model's limiter admits 4 calls; the
 *       flow and judge stages stream at the same time).</li>
 *   <li>Over the trials, kills landed part-way through the flow stage and part-way through the judge stage.</li>
 *   <li>The cache held answers of records not yet committed at some kill (at least once over the trials), so the
 *       resumes did take answers from the cache that the server was never asked for again.</li>
 * </ul>
 */
class OpenAiKillAndResumeTest {

    @TempDir
    Path tmp;

    static final int QUESTIONS = 96;
    static final int TRIALS = 3;

    /** Answers of records that were cached but not committed at a kill, over all trials. */
    private long cachedNotCommitted;
    /** Kills that found the flow stage, and the judge stage, part-way through their inputs. */
    private int midFlow;
    private int midJudge;

    @Test
    void runsKilledInTheFlowAndJudgeStagesResumeWithoutLosingRecordsOrRepeatingPaidCalls() throws Exception {
        for (int trial = 0; trial < TRIALS; trial++) trial(trial, new Random(1000 + trial));
        assertTrue(midFlow > 0 && midJudge > 0, "kills part-way through the flow: " + midFlow + ", the judge: " + midJudge);
        assertTrue(cachedNotCommitted > 0, "some kill caught answers that were cached but not yet committed");
    }

    /** Where a kill is aimed: after the first progress line of {@code stage}, plus up to {@code maxDelayMs}. */
    private record Aim(String stage, int maxDelayMs) {
    }

    private void trial(int trial, Random random) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("trial-" + trial));
        List<Integer> questions = new ArrayList<>();
        for (int n = 0; n < QUESTIONS; n++) questions.add(n);
        Files.write(dir.resolve("questions.jsonl"), questions.stream()
                .map(n -> "{\"text\":" + Json.string(TestModels.question(n)) + "}").toList());
        Path ws = dir.resolve("runs");

        try (OpenAiTestServer server = OpenAiTestServer.builder().responder(TestModels::answer)
                .latency(Duration.ofMillis(50)).keepLog().start()) {
            Path spec = dir.resolve("killed.yaml");
            Files.writeString(spec, TestModels.spec("killed", server.baseUrl(), "questions.jsonl", 4, 4, 4));
            // At 50 ms a call and 4 in flight, each of the two model stages takes about 1.2 s.
            List<Aim> aims = List.of(new Aim("answers", 900), new Aim("graded", 900));
            List<Integer> boundaries = new ArrayList<>(); // server arrivals before each kill: attempt k sent [b(k-1), b(k))
            List<Set<String>> cachedAtKill = new ArrayList<>();
            StringBuilder logs = new StringBuilder();
            String runId = null;
            ChildRun child = ChildRun.start(ws, "start", spec.toString(), "\\[" + aims.getFirst().stage() + "\\] in [1-9]");
            for (int k = 0; k < aims.size(); k++) {
                Thread.sleep(random.nextInt(aims.get(k).maxDelayMs()));
                child.kill();
                Thread.sleep(100); // a request the child sent just before it died reaches the server's count
                boundaries.add(server.requests());
                logs.append("--- trial ").append(trial).append(" attempt ").append(k).append('\n').append(child.output());
                if (runId == null) runId = onlyRun(ws);
                long answersIn;
                long gradedIn;
                try (RunStore store = RunStore.open(ws)) { // replays the journal the killed child left
                    answersIn = store.stage(runId, "answers").map(s -> s.counters().recordsIn()).orElse(0L);
                    gradedIn = store.stage(runId, "graded").map(s -> s.counters().recordsIn()).orElse(0L);
                }
                Set<String> cached = cachedPrompts(ws, server);
                cachedAtKill.add(cached);
                long teacherCached = cached.stream().filter(p -> !TestModels.isJudgePrompt(p)).count();
                long judgeCached = cached.size() - teacherCached;
                // Each committed record's call was cached before its commit; the excess was cached, not committed.
                assertTrue(teacherCached >= answersIn && judgeCached >= gradedIn, "cached " + teacherCached + "/"
                        + judgeCached + ", committed " + answersIn + "/" + gradedIn + "\n" + logs);
                cachedNotCommitted += (teacherCached - answersIn) + (judgeCached - gradedIn);
                if (answersIn > 0 && answersIn < QUESTIONS) midFlow++;
                if (gradedIn > 0 && gradedIn < QUESTIONS) midJudge++;
                String marker = k + 1 < aims.size() ? "\\[" + aims.get(k + 1).stage() + "\\] in [1-9]" : ""; // the last resume runs to the end
                child = ChildRun.start(ws, "resume", runId, marker);
            }
            assertTrue(child.process.waitFor(120, TimeUnit.SECONDS), "the last resume finishes");
            String lastLog = child.output();
            assertEquals(0, child.process.exitValue(), logs + lastLog);

            checkRecords(ws, runId, questions, logs + lastLog);
            checkCalls(server, boundaries, cachedAtKill, logs + lastLog);
        }
    }

    /** Every question answered and judged once; filter, dedup and export counts exact. */
    private static void checkRecords(Path ws, String runId, List<Integer> questions, String log) {
        try (RunStore store = RunStore.open(ws)) {
            RunRecord run = store.run(runId).orElseThrow();
            assertEquals(RunStatus.SUCCEEDED, run.status(), log);
            Path stages = run.runDir().resolve("stages");
            List<DataRecord> answers = Records.read(stages.resolve("answers/records.jsonl"));
            assertEquals(QUESTIONS, answers.size(), "one answer per question, none lost or repeated\n" + log);
            assertEquals(QUESTIONS, answers.stream().map(DataRecord::id).distinct().count());
            Set<Integer> answered = new HashSet<>();
            for (DataRecord a : answers) {
                List<Message> msgs = ((Payload.Chat) a.payload()).messages().messages();
                int n = TestModels.number(msgs.getLast().content());
                assertEquals(TestModels.teacherAnswer(n), msgs.getLast().content());
                assertEquals(TestModels.question(n), msgs.get(msgs.size() - 2).content());
                assertTrue(answered.add(n), "answered twice: " + n);
            }
            List<DataRecord> graded = Records.read(stages.resolve("graded/records.jsonl"));
            assertEquals(answers.stream().map(DataRecord::id).sorted().toList(),
                    graded.stream().map(DataRecord::id).sorted().toList(), "each answer judged once\n" + log);
            long high = 0;
            for (DataRecord g : graded) {
                Integer rating = TestModels.rating(TestModels.number(
                        ((Payload.Chat) g.payload()).messages().messages().getLast().content()));
                if (rating == null) {
                    assertTrue(!g.scores().containsKey("quality"), g.toString());
                } else {
                    assertEquals(rating, g.scores().get("quality").value(), 0.0, g.toString());
                    if (rating >= 6) high++;
                }
            }
            var graderC = store.stage(runId, "graded").orElseThrow().counters();
            assertEquals(QUESTIONS, graderC.recordsIn());
            assertEquals(QUESTIONS, graderC.recordsOut());
            var kept = store.stage(runId, "kept").orElseThrow().counters();
            assertEquals(QUESTIONS, kept.recordsIn());
            assertEquals(high, kept.recordsOut());
            assertEquals(QUESTIONS - high, kept.rejected());
            assertEquals(high, Records.read(stages.resolve("unique/records.jsonl")).size(), "distinct questions");
            var answersC = store.stage(runId, "answers").orElseThrow().counters();
            assertEquals(QUESTIONS, answersC.recordsIn());
            assertEquals(QUESTIONS, answersC.recordsOut());
            assertEquals(2L * QUESTIONS, store.callCache().size(), "one cache entry per distinct prompt");
            long expected = questions.stream().filter(n -> TestModels.rating(n) != null && TestModels.rating(n) >= 6).count();
            assertEquals(expected, high);
        }
    }

    /** No cached call sent again; no prompt sent twice by one process; every repeat follows a kill that caught it. */
    private static void checkCalls(OpenAiTestServer server, List<Integer> boundaries, List<Set<String>> cachedAtKill,
                                   String log) {
        List<OpenAiTestServer.Request> requests = server.log();
        Map<String, Integer> lastAttempt = new HashMap<>(); // prompt -> the attempt (process) that last sent it
        Set<String> distinct = new HashSet<>();
        int repeats = 0;
        int[][] repeatedAfter = new int[boundaries.size()][2]; // per kill: teacher and judge prompts sent again
        for (OpenAiTestServer.Request r : requests) {
            int attempt = 0;
            while (attempt < boundaries.size() && r.index() >= boundaries.get(attempt)) attempt++;
            distinct.add(r.prompt());
            for (int k = 0; k < attempt; k++) {
                assertTrue(!cachedAtKill.get(k).contains(r.prompt()), "sent again in attempt " + attempt
                        + " although its answer was in the cache at kill " + k + ": " + r.prompt() + "\n" + log);
            }
            Integer before = lastAttempt.put(r.prompt(), attempt);
            if (before != null) {
                assertTrue(before < attempt, "sent twice by attempt " + attempt + ": " + r.prompt());
                // The previous send was in flight when its process was killed: not in the cache at that kill.
                assertTrue(!cachedAtKill.get(before).contains(r.prompt()));
                repeats++;
                repeatedAfter[before][TestModels.isJudgePrompt(r.prompt()) ? 1 : 0]++;
            }
        }
        assertEquals(2 * QUESTIONS, distinct.size(), "every teacher and judge prompt was asked");
        assertEquals(distinct.size() + repeats, requests.size());
        // At most the calls in flight at each kill are repeated: the limiter admits 4 calls per model (the teacher
        // and the grader are limited separately, and the flow and judge stages stream at the same time).
        for (int k = 0; k < boundaries.size(); k++) {
            assertTrue(repeatedAfter[k][0] <= 4 && repeatedAfter[k][1] <= 4, "kill " + k + ": teacher and judge prompts"
                    + " sent again: " + repeatedAfter[k][0] + ", " + repeatedAfter[k][1]);
        }
    }

    /** The prompts whose answers are in the workspace's call cache (the store must be closed). */
    private static Set<String> cachedPrompts(Path ws, OpenAiTestServer server) throws SQLException {
        // Answers name their question's number; a judge answer belongs to the judge prompt the server saw for it.
        Map<Integer, String> judgePrompts = new HashMap<>();
        for (OpenAiTestServer.Request r : server.log()) {
            if (TestModels.isJudgePrompt(r.prompt())) judgePrompts.put(TestModels.number(r.prompt()), r.prompt());
        }
        Set<String> prompts = new HashSet<>();
        Properties login = new Properties();
        login.put("user", "distillery"); // RunStore's database user
        login.put("password", "");
        String url = "jdbc:h2:file:" + ws.resolve(RunStore.DATABASE_NAME) + ";FILE_LOCK=FS";
        try (Connection c = new org.h2.Driver().connect(url, login);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT response FROM call_cache")) {
            while (rs.next()) {
                String text = Json.MAPPER.readTree(rs.getString(1)).get("text").asText();
                int n = TestModels.number(text);
                prompts.add(text.equals(TestModels.teacherAnswer(n)) ? TestModels.question(n) : judgePrompts.get(n));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("unreadable cache entry", e);
        }
        return prompts;
    }

    private static String onlyRun(Path ws) {
        try (RunStore store = RunStore.open(ws)) {
            List<RunRecord> runs = store.listRuns();
            assertEquals(1, runs.size(), runs.toString());
            return runs.getFirst().id();
        }
    }
}
