package dev.distillery.orchestrator.run;

import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Role;
import dev.distillery.sandbox.report.Diversity;
import dev.distillery.trainers.eval.Evaluation;
import dev.distillery.trainers.runtime.GenerationRequest;
import dev.distillery.trainers.runtime.GenerationResult;
import dev.distillery.trainers.runtime.Generator;
import dev.distillery.trainers.runtime.LocalModel;
import dev.distillery.trainers.runtime.Prompt;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sample}: {@code n} answers per prompt from a local model, usually the one an input train stage just made
 * (on-policy samples for verifier-labelled preference pairs). Prompts are decoded in continuous batches on the
 * trainer's engine. Each answer is a prompt/completion record whose lineage names its prompt and the model, and which
 * keeps the prompt's data columns (such as {@code skill}). The diversity of the answers (distinct answers per prompt,
 * distinct-1/2 over all answers) goes to the metrics: a falling value across rounds is the first sign of
 * self-training collapse.
 */
final class SampleRunner implements StageRunner {

    static final String REPORT = "sample-report.json";

    /** Prompts handed to the generator at once: enough to keep its batch full, few enough to commit as it goes. */
    private static final int CHUNK = 64;

    @Override
    public String kind() {
        return "sample";
    }

    @Override
    public boolean barrier() {
        return true;
    }

    @Override
    public void run(StageContext ctx) throws Exception {
        var s = ctx.stage();
        int n = (int) s.numberSetting("n", 4);
        double temperature = s.numberSetting("temperature", 1.0);
        double topP = s.numberSetting("top_p", 1.0);
        int maxNew = (int) s.numberSetting("max_new_tokens", 64);
        int batch = (int) s.numberSetting("batch_size", 16);
        long prompts = 0, answers = 0, distinctSum = 0;
        List<String> all = new ArrayList<>();
        try (LocalModel model = TrainedModels.forStage(ctx, false); StageContext.InputIterator in = ctx.allInputs()) {
            Generator generator = new Generator(model, batch);
            List<DataRecord> chunk = new ArrayList<>(CHUNK);
            while (in.hasNext() || !chunk.isEmpty()) {
                if (in.hasNext()) chunk.add(in.next());
                if (chunk.size() < CHUNK && in.hasNext()) continue;
                List<GenerationRequest> requests = new ArrayList<>(chunk.size());
                for (DataRecord r : chunk) {
                    requests.add(GenerationRequest.builder(Prompt.chat(prompt(r))).n(n).temperature(temperature)
                            .topP(topP).maxNewTokens(maxNew).seed(ctx.seed() ^ r.id().hashCode()).build());
                }
                List<GenerationResult> results = generator.generateAll(requests);
                List<DataRecord> out = new ArrayList<>(chunk.size() * n);
                for (int i = 0; i < chunk.size(); i++) {
                    DataRecord r = chunk.get(i);
                    var distinct = new HashSet<String>();
                    for (var sample : results.get(i).samples()) {
                        String text = sample.text();
                        distinct.add(text.strip());
                        all.add(text);
                        out.add(DataRecord.of(new Payload.PromptCompletion(prompt(r), new PlainText(text)))
                                .withKind("candidate")
                                .withLineage(new Lineage(List.of(r.id()), null, "sample", List.of(model.name()), null, null))
                                .withSource(r.source()));
                    }
                    distinctSum += distinct.size();
                }
                ctx.write(out);
                prompts += chunk.size();
                answers += out.size();
                chunk.clear();
            }
        }
        Diversity.Summary d = Diversity.of(all);
        double distinctPerPrompt = prompts == 0 ? 0 : (double) distinctSum / (prompts * (double) n);
        ctx.metric("sample/distinct_answers_per_prompt", 0, distinctPerPrompt);
        ctx.metric("sample/distinct1", 0, d.distinct1());
        ctx.metric("sample/distinct2", 0, d.distinct2());
        ctx.commitAll(prompts, 0);
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("prompts", prompts);
        ev.put("answers", answers);
        ev.put("distinct_answers_per_prompt", distinctPerPrompt);
        ev.put("distinct1", d.distinct1());
        ev.put("distinct2", d.distinct2());
        ev.put("repeated", d.repeated());
        ctx.event("sampled", ev);
        Files.writeString(ctx.stageDir().resolve(REPORT), Json.pretty(ev));
        ctx.summary(String.format(Locale.ROOT, "%d answers to %d prompts; %.2f distinct answers per prompt of %d, "
                + "distinct-1 %.3f", answers, prompts, distinctPerPrompt * n, n, d.distinct1()));
    }

    /**
     * The conversation to answer: a text as the user turn, an open chat as it is, and otherwise what an evaluation
     * would ask (a chat without its final assistant turn, the prompt of a prompt/completion or preference record).
     */
    static Conversation prompt(DataRecord r) {
        return switch (r.payload()) {
            case Payload.Text t -> Conversation.of(Message.user(t.text()));
            case Payload.Chat c when c.messages().isEmpty() || c.messages().last().role() != Role.ASSISTANT -> c.messages();
            case Payload.Chat c -> Evaluation.Item.of(r).prompt();
            case Payload.PromptCompletion pc -> Evaluation.Item.of(r).prompt();
            case Payload.Preference p -> Evaluation.Item.of(r).prompt();
            default -> throw new IllegalArgumentException("record " + r.id() + ": cannot sample answers to a '"
                    + r.payload().type() + "' record (need text, chat, prompt/completion or preference)");
        };
    }
}
