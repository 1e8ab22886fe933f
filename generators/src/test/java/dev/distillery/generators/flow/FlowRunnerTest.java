package dev.distillery.generators.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.store.Dataset;
import dev.distillery.datasets.store.DatasetWriter;
import dev.distillery.generators.flows.responses.ResponsesFlow;
import dev.distillery.generators.model.CallScope;
import dev.distillery.generators.model.DeadLetter;
import dev.distillery.generators.model.ModelCallException;
import dev.distillery.generators.template.TemplateSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowRunnerTest {

    static List<DataRecord> prompts(int n) {
        return IntStream.range(0, n).mapToObj(i -> DataRecord.of(new Payload.Text("Question " + i + "?"))).toList();
    }

    /** Answers "n" where n is the question's number, so acceptance predicates can pick by content. */
    static ScriptedChatModel numberEcho() {
        return ScriptedChatModel.answering(p -> p.replaceAll("(?s).*Question (\\d+)\\?.*", "$1"));
    }

    static FlowRunner.Builder responses(ScriptedChatModel m) {
        return FlowRunner.builder(new ResponsesFlow()).model("teacher", m);
    }

    static int answer(DataRecord r) {
        return Integer.parseInt(((Payload.Chat) r.payload()).messages().last().content());
    }

    @Test
    void aTargetStopsOnceNOutputsPassTheFilter() {
        ScriptedChatModel m = numberEcho();
        List<DataRecord> out = new ArrayList<>();
        List<DataRecord> rejected = new ArrayList<>();
        RunReport r = responses(m).batchSize(2).concurrency(2).target(5, rec -> answer(rec) % 3 == 0)
                .rejects(RecordSink.into(rejected)).build().run(RecordSource.of(prompts(200)), RecordSink.into(out));
        assertEquals(List.of(0, 3, 6, 9, 12), out.stream().map(FlowRunnerTest::answer).toList());
        assertEquals(RunReport.StopReason.TARGET_REACHED, r.stopReason());
        // The target is met while the 7th batch (questions 12, 13) is written; by then at most REORDER_WINDOW x
        // concurrency batches were submitted from it on, and one more read waits for a slot: its calls are surplus.
        assertTrue(r.progress().read() <= 2 * (6 + FlowRunner.REORDER_WINDOW * 2 + 1),
                "stopped reading soon after the target: " + r.progress());
        assertEquals(r.progress().outputs(), r.progress().accepted() + r.progress().rejected() + r.progress().surplus());
        assertEquals(rejected.size(), r.progress().rejected());
        assertTrue(rejected.stream().noneMatch(x -> answer(x) % 3 == 0));
        assertEquals(m.calls(), r.progress().calls());
    }

    @Test
    void passesRereadTheSourceUntilTheTargetWithFreshIds() {
        List<DataRecord> out = new ArrayList<>();
        RunReport r = responses(ScriptedChatModel.answering(p -> "ok")).batchSize(1).concurrency(1).target(7).passes(5).build()
                .run(RecordSource.of(prompts(3)), RecordSink.into(out));
        assertEquals(7, out.size());
        assertEquals(7, new HashSet<>(out.stream().map(DataRecord::id).toList()).size(), "each pass fills new slots");
        assertEquals(RunReport.StopReason.TARGET_REACHED, r.stopReason());

        List<DataRecord> capped = new ArrayList<>();
        RunReport c = responses(ScriptedChatModel.answering(p -> "ok")).target(100).passes(2).build()
                .run(RecordSource.of(prompts(3)), RecordSink.into(capped));
        assertEquals(6, capped.size());
        assertEquals(RunReport.StopReason.SOURCE_EXHAUSTED, c.stopReason());
    }

    @Test
    void aCallBudgetIsNeverExceededAndCutOffInputsAreDeadLettered() {
        ScriptedChatModel m = numberEcho();
        List<DataRecord> out = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        RunReport r = responses(m).batchSize(3).concurrency(3).budget(Budget.calls(7)).deadLetters(DeadLetterSink.into(dead)).build()
                .run(RecordSource.of(prompts(100)), RecordSink.into(out));
        assertEquals(7, m.calls());
        assertEquals(7, out.size());
        assertEquals(RunReport.StopReason.BUDGET_EXHAUSTED, r.stopReason());
        assertEquals(r.progress().read(), out.size() + dead.size(), "every input read is an output or a dead letter");
        dead.forEach(d -> assertEquals(ModelCallException.Kind.BUDGET_EXHAUSTED, d.kind()));
        dead.forEach(d -> assertEquals(0, d.attempts(), "no call was sent for it"));
    }

    @Test
    void aBudgetSpentByTheLastInputIsNotTheStopReason() {
        RunReport r = responses(numberEcho()).budget(Budget.calls(3)).build().run(RecordSource.of(prompts(3)), RecordSink.discard());
        assertEquals(3, r.progress().accepted());
        assertEquals(RunReport.StopReason.SOURCE_EXHAUSTED, r.stopReason());
    }

    @Test
    void aSourceThatFailsMidwayLetsBatchesInFlightFinishBeforeTheErrorSurfaces() {
        AtomicInteger written = new AtomicInteger();
        RecordSource failing = new RecordSource() {
            @Override
            public dev.distillery.datasets.io.RecordIterator open() {
                var it = prompts(4).iterator();
                return dev.distillery.datasets.io.RecordIterator.of(new java.util.Iterator<>() {
                    public boolean hasNext() {
                        return true;
                    }

                    public DataRecord next() {
                        if (it.hasNext()) return it.next();
                        throw new dev.distillery.datasets.io.DatasetException("seeds/broken.md: not valid UTF-8");
                    }
                });
            }

            @Override
            public String describe() {
                return "failing";
            }
        };
        ScriptedChatModel slow = ScriptedChatModel.answering(p -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "ok";
        });
        RecordSink counting = new RecordSink() {
            public void write(DataRecord r) {
                written.incrementAndGet();
            }

            public void close() {
            }
        };
        var e = assertThrows(dev.distillery.datasets.io.DatasetException.class,
                () -> responses(slow).batchSize(2).concurrency(2).build().run(failing, counting));
        assertTrue(e.getMessage().contains("broken.md"));
        assertEquals(4, written.get(), "the two full batches were committed before run() threw");
    }

    @Test
    void tokenAndCostBudgetsCountReportedUsage() {
        ScriptedChatModel m = ScriptedChatModel.answering(p -> "x".repeat(400));   // 101 output tokens per call
        RunReport t = responses(m).batchSize(1).concurrency(1).budget(Budget.tokens(1_000)).build()
                .run(RecordSource.of(prompts(50)), RecordSink.discard());
        assertEquals(RunReport.StopReason.BUDGET_EXHAUSTED, t.stopReason());
        long perCall = t.progress().inputTokens() / t.progress().calls() + 101;
        assertEquals((1_000 + perCall - 1) / perCall, t.progress().calls(), "stops at the first call that reaches the limit");
        assertTrue(t.progress().inputTokens() + t.progress().outputTokens() >= 1_000);

        // 101 output tokens at 10 per million = 0.00101 per call plus input; a 0.005 budget allows 4 calls.
        RunReport c = responses(ScriptedChatModel.answering(p -> "x".repeat(400))).batchSize(1).concurrency(1)
                .budget(Budget.cost(0.005, Pricing.perMillionTokens(1, 10))).build()
                .run(RecordSource.of(prompts(50)), RecordSink.discard());
        assertEquals(RunReport.StopReason.BUDGET_EXHAUSTED, c.stopReason());
        assertTrue(c.progress().cost() >= 0.005 && c.progress().calls() == 5, c.progress().toString());
    }

    @Test
    void outputsFollowInputOrderWhateverTheTimingAndConcurrencyIsBounded() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        ScriptedChatModel slow = ScriptedChatModel.answering(p -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 6));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return p.replaceAll("(?s).*Question (\\d+)\\?.*", "$1");
        });
        List<DataRecord> out = new ArrayList<>();
        List<Long> accepted = new ArrayList<>();
        responses(slow).batchSize(1).concurrency(6).listener(p -> accepted.add(p.accepted())).build()
                .run(RecordSource.of(prompts(60)), RecordSink.into(out));
        assertEquals(IntStream.range(0, 60).boxed().toList(), out.stream().map(FlowRunnerTest::answer).toList());
        assertTrue(maxInFlight.get() <= 6 && maxInFlight.get() > 1, "in flight: " + maxInFlight.get());
        assertEquals(60, accepted.size(), "one progress report per batch");
        for (int i = 1; i < accepted.size(); i++) assertTrue(accepted.get(i) >= accepted.get(i - 1));
    }

    @Test
    void aSlowBatchDoesNotHoldBackTheOthersWhileItWaitsForItsTurn() {
        // The first question's answer comes last (as after a Retry-After); the others answer at once. Its batch is
        // committed first, so the later batches wait for their turn, but they must not keep their slots meanwhile.
        java.util.concurrent.CountDownLatch othersDone = new java.util.concurrent.CountDownLatch(7);
        AtomicInteger answeredWhileHeadWaited = new AtomicInteger();
        ScriptedChatModel model = ScriptedChatModel.answering(p -> {
            String n = p.replaceAll("(?s).*Question (\\d+)\\?.*", "$1");
            if (n.equals("0")) {
                try {
                    // Waits for 7 other answers (with concurrency 2, only possible if finished batches free their
                    // slot), giving up after 5 s so that a regression fails instead of hanging.
                    othersDone.await(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answeredWhileHeadWaited.set(7 - (int) othersDone.getCount());
            } else {
                othersDone.countDown();
            }
            return n;
        });
        List<DataRecord> out = new ArrayList<>();
        responses(model).batchSize(1).concurrency(2).build().run(RecordSource.of(prompts(20)), RecordSink.into(out));
        assertEquals(7, answeredWhileHeadWaited.get(), "other questions answered while the first one's call waited");
        assertEquals(IntStream.range(0, 20).boxed().toList(), out.stream().map(FlowRunnerTest::answer).toList(),
                "still written in input order");
    }

    @Test
    void inputsOfTheWrongShapeAreDeadLetteredNotPassedOn() {
        List<DeadLetter> dead = new ArrayList<>();
        DataRecord pref = DataRecord.of(new Payload.Preference(new PlainText("q"), new PlainText("a"), new PlainText("b")));
        ScriptedChatModel m = numberEcho();
        responses(m).deadLetters(DeadLetterSink.into(dead)).build()
                .run(RecordSource.of(List.of(pref, prompts(1).getFirst())), RecordSink.discard());
        assertEquals(1, dead.size());
        assertEquals(pref.id(), dead.getFirst().recordId());
        assertTrue(dead.getFirst().reason().contains("'preference'") && dead.getFirst().reason().contains("text, chat"));
        assertEquals(1, m.calls());
    }

    @Test
    void deadLettersGoToAJsonlFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("stage/dead-letters.jsonl");
        try (DeadLetterSink sink = DeadLetterSink.jsonl(file)) {
            responses(ScriptedChatModel.failing(ModelCallException.Kind.RATE_LIMITED).named("gpt-x")).stage("responses-1")
                    .deadLetters(sink).build().run(RecordSource.of(prompts(3)), RecordSink.discard());
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        JsonNode first = Json.MAPPER.readTree(lines.getFirst());
        assertEquals(prompts(3).getFirst().id(), first.get("recordId").asText());
        assertEquals("RATE_LIMITED", first.get("kind").asText());
        assertEquals("responses-1", first.get("stage").asText());
        assertEquals("teacher", first.get("model").asText());
        assertEquals(3, first.get("attempts").asInt());
        assertFalse(first.get("at").asText().isBlank());
    }

    /** A flow that breaks the contract by throwing: the runner's safety net still accounts for every input. */
    static final class ThrowingFlow implements Flow {
        public String name() { return "throwing"; }
        public String description() { return "throws"; }
        public FlowSignature signature() { return new FlowSignature(List.of("text"), List.of("text"), List.of()); }
        public List<FlowParameter> parameters() { return List.of(); }
        public List<TemplateSpec> templates() { return List.of(); }
        public void process(List<DataRecord> batch, FlowContext context, Emitter out) {
            out.filtered(batch.getFirst().id(), List.of(), "x", "first one is fine");
            throw new IllegalStateException("bug in flow");
        }
    }

    @Test
    void anExceptionEscapingAFlowBecomesDeadLettersAndIsCounted() {
        List<DeadLetter> dead = new ArrayList<>();
        RunReport r = FlowRunner.builder(new ThrowingFlow()).batchSize(3).deadLetters(DeadLetterSink.into(dead)).build()
                .run(RecordSource.of(prompts(6)), RecordSink.discard());
        assertEquals(2, r.failedBatches());
        assertEquals(4, dead.size(), "the filtered first input of each batch is already accounted for");
        assertTrue(dead.getFirst().reason().contains("bug in flow"));
        assertEquals(2, r.progress().filtered());
    }

    @Test
    void aMissingModelRoleFailsBeforeAnyCall() {
        FlowConfigException e = assertThrows(FlowConfigException.class,
                () -> FlowRunner.builder(new ResponsesFlow()).model("judge", numberEcho()).settingsOrigin("pipeline.yaml: stages[2]").build());
        assertTrue(e.getMessage().startsWith("pipeline.yaml: stages[2]: flow 'responses': no model for role 'teacher'"), e.getMessage());
        assertTrue(e.getMessage().contains("configured roles: judge"), e.getMessage());
    }

    @Test
    void aRerunIntoADatasetWritesTheSameRecords(@TempDir Path dir) {
        // Sampled answers differ between runs, yet the slots (and so the ids) are the same: reruns are idempotent.
        AtomicInteger sample = new AtomicInteger();
        List<List<String>> ids = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            Path out = dir.resolve("responses");
            try (DatasetWriter w = DatasetWriter.builder(out).mode(DatasetWriter.WriteMode.OVERWRITE).createdBy("responses").open()) {
                responses(ScriptedChatModel.answering(p -> "draw " + sample.incrementAndGet())).concurrency(3).batchSize(2).build()
                        .run(RecordSource.of(prompts(9)), w);
            }
            List<DataRecord> back = new ArrayList<>();
            try (RecordIterator it = Dataset.open(out).open()) {
                it.forEachRemaining(back::add);
            }
            assertEquals(9, back.size());
            back.forEach(r -> assertTrue(r.lineage().promptTemplateHash().matches("[0-9a-f]{12}"), "lineage survives the file"));
            ids.add(back.stream().map(DataRecord::id).toList());
        }
        assertEquals(ids.get(0), ids.get(1));
    }

    @Test
    void everyCallRunsInTheFlowsCallScopeForAccounting() {
        List<CallScope> scopes = new java.util.concurrent.CopyOnWriteArrayList<>();
        ScriptedChatModel m = ScriptedChatModel.answering(p -> {
            scopes.add(CallScope.current());
            return "ok";
        });
        responses(m).build().run(RecordSource.of(prompts(2)), RecordSink.discard());
        responses(m).stage("answers").build().run(RecordSource.of(prompts(1)), RecordSink.discard());
        assertEquals(List.of(CallScope.of("responses", "respond:step-by-step"), CallScope.of("responses", "respond:step-by-step"),
                CallScope.of("responses", "answers")), scopes);
        assertEquals(CallScope.NONE, CallScope.current(), "the scope does not leak out of the call");
    }

    @Test
    void unknownFlowsGetADidYouMean() {
        FlowConfigException e = assertThrows(FlowConfigException.class, () -> Flows.named("self-instrct"));
        assertTrue(e.getMessage().contains("did you mean 'self-instruct'?"), e.getMessage());
        Set<String> names = new HashSet<>(Flows.all().stream().map(Flow::name).toList());
        assertEquals(Set.of("responses", "critique", "preference-candidates", "teacher-student-pairs", "multi-turn", "self-instruct",
                "evol-instruct", "chunk", "content-transformation", "seed-instructions", "instruction-refinement"), names);
        String listing = Flows.describe(Flows.named("self-instruct"));
        assertTrue(listing.contains("--rouge-threshold (number, default 0.7)"), listing);
    }
}
