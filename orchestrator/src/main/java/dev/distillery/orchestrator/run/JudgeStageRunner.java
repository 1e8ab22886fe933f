package dev.distillery.orchestrator.run;

import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.generators.model.ChatModelDecorator;
import dev.distillery.judges.Judged;
import dev.distillery.judges.Judges;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.PairwiseJudge;
import dev.distillery.orchestrator.store.Secrets;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code judge}: scores every input with a judge, verifier or filter; batches of {@code batch} records (default 16)
 * are judged concurrently and committed in order. Every record passes on; a failed verdict adds no score, is counted
 * as dead-lettered, and its reason goes to {@code judge-failures.jsonl} (a {@code filter} stage downstream then
 * rejects the unscored record). The tokens of the judges' model answers (from the provider or the call cache, as a
 * flow stage counts them) are added to the stage's counters with each committed batch.
 */
final class JudgeStageRunner implements StageRunner {

    private static final Secrets SECRETS = Secrets.fromEnvironment();

    @Override
    public String kind() {
        return "judge";
    }

    @Override
    public boolean barrier() {
        return false;
    }

    @Override
    public Object externalInputs(dev.distillery.orchestrator.spec.StageSpec stage, java.nio.file.Path baseDir) {
        String name = stage.stringSetting("judge", null);
        return Judges.providers().stream().filter(p -> p.name().equals(name)).findFirst()
                .map(p -> PluginStamp.of(JudgeProvider.class, p)).orElse(null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run(StageContext ctx) throws Exception {
        var s = ctx.stage();
        JudgeProvider provider = Judges.provider(s.stringSetting("judge", null));
        TokenCount tokens = new TokenCount();
        List<ChatModel> models = new ArrayList<>();
        for (String role : s.models().keySet()) models.add(tokens.around(ctx.chatModel(role)));
        Map<String, Object> settings = s.setting("settings") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        JudgeConfig config = new JudgeConfig(settings, models,
                s.setting("prompts") == null ? null : ctx.resolve(s.stringSetting("prompts", null)),
                "stage '" + s.name() + "'");
        boolean pairwise = provider.kind() == JudgeProvider.Kind.PAIRWISE;
        Judge single = pairwise ? null : provider.createJudge(config);
        PairwiseJudge pair = pairwise ? provider.createPairwise(config) : null;
        int batchSize = s.batch() == null ? 16 : s.batch();

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             StageContext.InputIterator it = ctx.inputs();
             BufferedWriter failures = Files.newBufferedWriter(ctx.stageDir().resolve("judge-failures.jsonl"),
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            List<Future<Judged<?>>> futures = new ArrayList<>();
            while (true) {
                boolean more = it.hasNext();
                if (more) {
                    DataRecord r = it.next();
                    futures.add(pool.submit(() -> pairwise ? Judges.apply(pair, r) : Judges.apply(single, r)));
                }
                // A full batch, the end, or an upstream that has nothing more committed yet: commit what is held,
                // in input order (the futures are read in submission order).
                if (futures.size() == batchSize || (!futures.isEmpty() && (!more || !it.hasBuffered()))) {
                    commit(ctx, futures, failures);
                    tokens.addTo(ctx);
                    futures = new ArrayList<>();
                }
                if (!more) break;
            }
        }
    }

    /** Sums the token usage of every answer the stage's judges got, for the stage's counters. */
    private static final class TokenCount {
        private final LongAdder in = new LongAdder();
        private final LongAdder out = new LongAdder();

        ChatModel around(ChatModel model) {
            return new ChatModelDecorator(model) {
                @Override
                public ChatResponse doChat(ChatRequest request) {
                    ChatResponse response = next(request);
                    TokenUsage usage = response == null ? null : response.tokenUsage();
                    if (usage != null) {
                        if (usage.inputTokenCount() != null) in.add(usage.inputTokenCount());
                        if (usage.outputTokenCount() != null) out.add(usage.outputTokenCount());
                    }
                    return response;
                }
            };
        }

        /** Moves what was counted since the last call into the stage's counters. */
        void addTo(StageContext ctx) {
            long i = in.sumThenReset();
            long o = out.sumThenReset();
            if (i > 0) ctx.count(RunLedger.Counter.TOKENS_IN, i);
            if (o > 0) ctx.count(RunLedger.Counter.TOKENS_OUT, o);
        }
    }

    private static void commit(StageContext ctx, List<Future<Judged<?>>> futures, BufferedWriter failures)
            throws Exception {
        List<DataRecord> out = new ArrayList<>(futures.size());
        long failed = 0;
        for (Future<Judged<?>> f : futures) {
            Judged<?> j = f.get();
            out.add(j.record());
            if (!j.scored()) {
                failed++;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", j.record().id());
                // A failed call's reason may quote a server that repeats the key it was sent; the raw output is the
                // model's, data like a record, so only the environment's known keys are taken out of it.
                row.put("reason", SECRETS.mask(j.failureReason()));
                row.put("raw", SECRETS.maskKnownValues(j.failureRawOutput()));
                try {
                    failures.write(Json.string(row));
                    failures.newLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        failures.flush();
        // A record the judge failed on is passed on unscored (a filter downstream rejects it) and counted as dead
        // letter in the same transaction.
        ctx.commitNext(futures.size(), out, 0, failed);
    }
}
