package dev.distillery.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import dev.distillery.datasets.model.SourceFields;
import dev.distillery.sandbox.report.SkillAccuracy;
import dev.distillery.trainers.eval.Evaluation;
import dev.distillery.trainers.runtime.LocalModel;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code eval}: held-out loss, perplexity and (with a verifier) greedy accuracy of a model on {@code data}. The model
 * is {@code model_path}, or what the input train stage produced ({@code model: base}: the model it started from). With {@code group_by: FIELD} (a column of the data,
 * such as the sandbox's {@code skill}) the accuracy is also reported per group, each with a bootstrap 95% interval.
 * Writes {@code eval-report.json}; its records are the model's answers, scored {@code correct} 0 or 1.
 */
final class EvalRunner implements StageRunner {

    static final String REPORT = "eval-report.json";
    /** The score every answer record carries. */
    static final String SCORE = "correct";
    private static final int RESAMPLES = 1000;

    @Override
    public String kind() {
        return "eval";
    }

    @Override
    public boolean barrier() {
        return true;
    }

    @Override
    public void run(StageContext ctx) throws IOException {
        List<DataRecord> records = new ArrayList<>();
        try (RecordIterator it = Datasets.input(ctx.resolve(ctx.stage().stringSetting("data", null)), null).open()) {
            it.forEachRemaining(records::add);
        }
        String verifier = ctx.stage().stringSetting("verifier", null);
        String groupBy = ctx.stage().stringSetting("group_by", null);
        int maxNew = (int) ctx.stage().numberSetting("max_new_tokens", 64);
        SkillAccuracy.Builder groups = SkillAccuracy.builder();
        List<DataRecord> answers = new ArrayList<>(records.size());
        ObjectNode report;
        // `model: base` measures where the train stage started (the untrained student), the baseline of a study.
        try (LocalModel model = TrainedModels.forStage(ctx, "base".equals(ctx.stage().stringSetting("model", "trained")))) {
            report = Evaluation.run(model, records, verifier == null ? null : Evaluation.Verifier.parse(verifier),
                    Evaluation.Decoding.greedy(maxNew), r -> {
                        String group = groupBy == null ? "all" : group(r.record(), groupBy);
                        groups.add(group, r.correct());
                        answers.add(answer(r, model.name(), group, groupBy));
                    });
        }
        if (verifier != null && groupBy != null) {
            ObjectNode g = report.putObject("groups");
            groups.estimate(RESAMPLES, ctx.seed()).forEach((name, e) -> {
                g.putObject(name).put("n", e.n()).put("accuracy", e.accuracy()).put("low", e.low()).put("high", e.high());
                if (!name.equals("all")) ctx.metric("eval/accuracy/" + name, 0, e.accuracy());
            });
            report.put("group_by", groupBy);
        }
        Files.writeString(ctx.stageDir().resolve(REPORT), Json.pretty(report));
        ctx.metric("eval/loss", 0, report.path("loss").asDouble());
        if (report.has("accuracy")) ctx.metric("eval/accuracy", 0, report.get("accuracy").asDouble());
        ctx.write(answers);
        ctx.commitAll(records.size(), 0);
        ctx.summary(String.format(Locale.ROOT, "loss %.4f, perplexity %.3f%s on %d records",
                report.path("loss").asDouble(), report.path("perplexity").asDouble(), report.has("accuracy")
                        ? String.format(Locale.ROOT, ", accuracy %.1f%% (%s)", 100 * report.get("accuracy").asDouble(),
                        report.path("verifier").asText()) : "", records.size()));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("loss", report.path("loss").asDouble());
        event.put("accuracy", report.path("accuracy").asDouble(Double.NaN));
        if (report.has("groups")) event.put("groups", Json.MAPPER.convertValue(report.get("groups"), Map.class));
        ctx.event("evaluated", event);
    }

    /** The value of a data column ({@code skill}) of an evaluation record; records without one form group "other". */
    static String group(DataRecord r, String field) {
        JsonNode v = r.source() == null || r.source().fields() == null ? null : r.source().fields().get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? "other" : v.asText();
    }

    /** The model's answer as a record: the prompt and its answer, scored correct or not, tied to the reference. */
    private static DataRecord answer(Evaluation.Result r, String model, String group, String groupBy) {
        DataRecord out = DataRecord.of(new Payload.PromptCompletion(Conversation.of(Message.user(r.prompt())),
                        new PlainText(r.answer())))
                .withKind("eval-answer")
                .withLineage(new Lineage(List.of(r.record().id()), null, "eval", List.of(model), null, null))
                .withScore(SCORE, new Score(r.correct() ? 1 : 0, "reference: " + r.reference()));
        return groupBy == null ? out : out.withSource(new SourceFields("eval",
                Json.object().put(groupBy, group)));
    }
}
