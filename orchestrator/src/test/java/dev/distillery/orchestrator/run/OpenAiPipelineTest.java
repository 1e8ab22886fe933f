package dev.distillery.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.testserver.OpenAiTestServer;
import dev.distillery.orchestrator.runs.PipelineRuns;
import dev.distillery.orchestrator.store.Counters;
import dev.distillery.orchestrator.store.RunRecord;
import dev.distillery.orchestrator.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole pipeline against an OpenAI-compatible server in the test JVM, started through {@link PipelineRuns} as
 * {@code distillery run} does: source, a {@code responses} flow on a teacher, a {@code single-grade} LLM judge on a
 * grader of the same server, a score filter, exact dedup and an export. The server answers deterministically (see
 * {@link TestModels}), so every count, record, score and token total is known in advance.
 */
class OpenAiPipelineTest {

    @TempDir
    Path tmp;

    /** Questions 0..39, and five of them a second time: identical records that dedup removes. */
    static final int DISTINCT = 40;
    static final List<Integer> REPEATED = List.of(3, 8, 15, 22, 37);
    static final int MIN_RATING = 6;

    @Test
    void aPipelineAgainstAnOpenAiCompatibleServerProducesTheExpectedRecordsScoresCallsAndTokens() throws Exception {
        List<Integer> questions = new ArrayList<>();
        for (int n = 0; n < DISTINCT; n++) questions.add(n);
        questions.addAll(REPEATED);
        Files.write(tmp.resolve("questions.jsonl"), questions.stream()
                .map(n -> "{\"text\":" + Json.string(TestModels.question(n)) + "}").toList());

        try (OpenAiTestServer server = OpenAiTestServer.builder().responder(TestModels::answer).keepLog().start();
             RunStore store = RunStore.open(tmp.resolve("runs"))) {
            Path spec = tmp.resolve("e2e.yaml");
            Files.writeString(spec, TestModels.spec("e2e", server.baseUrl(), "questions.jsonl", 4, 8, 8));
            StringWriter log = new StringWriter();
            PipelineRuns.Outcome outcome = PipelineRuns.start(store, spec, new PrintWriter(log, true));
            assertTrue(outcome.succeeded(), log.toString());
            RunRecord run = store.run(outcome.runId()).orElseThrow();
            Path stages = run.runDir().resolve("stages");

            // Source: one record per line, identical lines give identical records (content ids).
            List<DataRecord> seeds = Records.read(stages.resolve("seeds/records.jsonl"));
            assertEquals(questions.size(), seeds.size());
            Map<Integer, String> seedIds = new HashMap<>();
            for (DataRecord s : seeds) seedIds.put(TestModels.number(((Payload.Text) s.payload()).text()), s.id());
            assertEquals(DISTINCT, seedIds.size());

            // Flow: one answer per input, in the teacher's words, with its lineage.
            List<DataRecord> answers = Records.read(stages.resolve("answers/records.jsonl"));
            assertEquals(questions.size(), answers.size(), "one answer per input, repeats included");
            assertEquals(DISTINCT, answers.stream().map(DataRecord::id).distinct().count(),
                    "a repeated question gives the same answer record");
            for (DataRecord a : answers) {
                List<Message> msgs = ((Payload.Chat) a.payload()).messages().messages();
                int n = TestModels.number(msgs.get(msgs.size() - 2).content());
                assertEquals(TestModels.question(n), msgs.get(msgs.size() - 2).content());
                assertEquals(TestModels.teacherAnswer(n), msgs.getLast().content());
                assertEquals("You are a helpful assistant.", msgs.getFirst().content(), "prompt erasure");
                assertEquals(List.of(seedIds.get(n)), a.lineage().parentIds());
                assertEquals("responses", a.lineage().flow());
                assertEquals("respond:direct-answer", a.lineage().step());
                assertEquals(List.of("teacher-model"), a.lineage().modelIds());
                assertNotNull(a.lineage().promptTemplateHash());
            }

            // Judge: every record passes on; parseable verdicts become the 'quality' score, the others are failures.
            List<DataRecord> graded = Records.read(stages.resolve("graded/records.jsonl"));
            assertEquals(answers.stream().map(DataRecord::id).toList(), graded.stream().map(DataRecord::id).toList(),
                    "the judge keeps every record, in order");
            Set<Integer> unparseable = new LinkedHashSet<>();
            for (DataRecord g : graded) {
                int n = TestModels.number(((Payload.Chat) g.payload()).messages().messages().getLast().content());
                Integer rating = TestModels.rating(n);
                if (rating == null) {
                    assertFalse(g.scores().containsKey("quality"), g.toString());
                    unparseable.add(n);
                } else {
                    assertEquals(rating, g.scores().get("quality").value(), 0.0, g.toString());
                    assertTrue(g.scores().get("quality").rationale().endsWith("Rating: [[" + rating + "]]"));
                }
            }
            assertEquals(Set.of(16, 33), unparseable);
            List<String> failureLines = Files.readAllLines(stages.resolve("graded/judge-failures.jsonl"));
            assertEquals(2, failureLines.size(), failureLines.toString());
            for (String line : failureLines) {
                JsonNode f = Json.MAPPER.readTree(line);
                assertTrue(f.get("reason").asText().startsWith("unparseable verdict"), line);
                assertEquals(TestModels.unparseable(TestModels.number(f.get("raw").asText())), f.get("raw").asText());
            }

            // Filter: exactly the records rated at least MIN_RATING; dedup: each of those once.
            List<Integer> keptNumbers = questions.stream()
                    .filter(n -> TestModels.rating(n) != null && TestModels.rating(n) >= MIN_RATING).toList();
            List<DataRecord> kept = Records.read(stages.resolve("kept/records.jsonl"));
            assertEquals(keptNumbers.size(), kept.size());
            assertTrue(kept.stream().allMatch(k -> k.scores().get("quality").value() >= MIN_RATING));
            List<DataRecord> unique = Records.read(stages.resolve("unique/records.jsonl"));
            assertEquals(keptNumbers.stream().distinct().count(), unique.size());
            assertEquals(unique.size(), unique.stream().map(DataRecord::id).distinct().count());
            assertTrue(keptNumbers.size() > unique.size(), "some repeats were rated high enough to need dedup");

            // Export: TRL messages, one line per unique record, the teacher's answer last.
            List<String> exported = Files.readAllLines(tmp.resolve("out/train.jsonl"));
            assertEquals(unique.size(), exported.size());
            Set<Integer> exportedNumbers = new LinkedHashSet<>();
            for (String line : exported) {
                JsonNode messages = Json.MAPPER.readTree(line).get("messages");
                int n = TestModels.number(messages.get(messages.size() - 1).get("content").asText());
                assertEquals(TestModels.teacherAnswer(n), messages.get(messages.size() - 1).get("content").asText());
                assertEquals("assistant", messages.get(messages.size() - 1).get("role").asText());
                exportedNumbers.add(n);
            }
            assertEquals(keptNumbers.stream().collect(Collectors.toSet()), exportedNumbers);

            // The server: each distinct prompt once (repeats came from the call cache or joined the identical call
            // in flight), every request answered, nothing retried.
            assertEquals(2 * DISTINCT, server.requests(), "40 teacher prompts and 40 judge prompts");
            assertEquals(2 * DISTINCT, server.served());
            Map<Integer, String> judgePrompts = new HashMap<>();
            for (OpenAiTestServer.Request r : server.log()) {
                assertEquals(1, r.attempt(), "asked twice: " + r.prompt());
                if (TestModels.isJudgePrompt(r.prompt())) {
                    assertEquals("grader-model", r.model());
                    judgePrompts.put(TestModels.number(r.prompt()), r.prompt());
                } else {
                    assertEquals("teacher-model", r.model());
                }
            }
            assertEquals(DISTINCT, judgePrompts.size());

            // Counters in the run store, per stage, with the tokens the server reported for the answers each stage
            // used: a repeated question's answer counts again, whether it came from the server or the cache.
            Counters answersC = store.stage(run.id(), "answers").orElseThrow().counters();
            assertEquals(questions.size(), answersC.recordsIn());
            assertEquals(questions.size(), answersC.recordsOut());
            assertEquals(questions.stream().mapToLong(n -> server.usage(TestModels.question(n)).inputTokens()).sum(),
                    answersC.tokensIn());
            assertEquals(questions.stream().mapToLong(n -> server.usage(TestModels.question(n)).outputTokens()).sum(),
                    answersC.tokensOut());
            Counters gradedC = store.stage(run.id(), "graded").orElseThrow().counters();
            assertEquals(questions.size(), gradedC.recordsOut());
            assertEquals(2, gradedC.deadLettered());
            assertEquals(questions.stream().mapToLong(n -> server.usage(judgePrompts.get(n)).inputTokens()).sum(),
                    gradedC.tokensIn());
            assertEquals(questions.stream().mapToLong(n -> server.usage(judgePrompts.get(n)).outputTokens()).sum(),
                    gradedC.tokensOut());
            assertEquals(server.inputTokens() + server.outputTokens()
                            + REPEATED.stream().mapToLong(n -> server.usage(TestModels.question(n)).total()
                            + server.usage(judgePrompts.get(n)).total()).sum(),
                    answersC.tokensIn() + answersC.tokensOut() + gradedC.tokensIn() + gradedC.tokensOut(),
                    "the server's total plus the repeats served from the cache");
            Counters keptC = store.stage(run.id(), "kept").orElseThrow().counters();
            assertEquals(questions.size(), keptC.recordsIn());
            assertEquals(keptNumbers.size(), keptC.recordsOut());
            assertEquals(questions.size() - keptNumbers.size(), keptC.rejected());
            assertEquals(0, keptC.tokensIn() + keptC.tokensOut(), "a filter calls no model");
            Counters uniqueC = store.stage(run.id(), "unique").orElseThrow().counters();
            assertEquals(unique.size(), uniqueC.recordsOut());
            assertEquals(keptNumbers.size() - unique.size(), uniqueC.rejected());
            assertEquals(2L * DISTINCT, store.callCache().size(), "one cache entry per paid call");

            // `distillery status` prints the same counters.
            StringWriter table = new StringWriter();
            PipelineRuns.printStages(store, run.id(), TestModels.parse(spec), new PrintWriter(table, true));
            assertTrue(table.toString().matches("(?s).*answers\\s+succeeded\\s+45\\s+45\\s+0\\s+0\\s+"
                    + String.format(java.util.Locale.ROOT, "%,d", answersC.tokensIn() + answersC.tokensOut()) + "\\s.*"), table.toString());

            // A second run of the same spec in the workspace computes its stages again, but every model call is
            // answered from the workspace's call cache: the same records, no new request.
            PipelineRuns.Outcome again = PipelineRuns.start(store, spec, new PrintWriter(new StringWriter(), true));
            assertTrue(again.succeeded());
            assertEquals(2 * DISTINCT, server.requests(), "no new request");
            Path againStages = store.run(again.runId()).orElseThrow().runDir().resolve("stages");
            assertEquals(graded, Records.read(againStages.resolve("graded/records.jsonl")));
            assertEquals(answersC.tokensIn(), store.stage(again.runId(), "answers").orElseThrow().counters().tokensIn());
        }
    }
}
