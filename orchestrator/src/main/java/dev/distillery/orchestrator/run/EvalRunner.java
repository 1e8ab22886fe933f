package dev.distillery.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.trainers.eval.Evaluation;
import dev.distillery.trainers.runtime.LocalModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code eval}: held-out loss, perplexity and (with a verifier) greedy accuracy of a model on {@code data}. The model
 * is {@code model_path}, or what the input train stage produced. Writes {@code eval-report.json}.
 */
final class EvalRunner implements StageRunner {

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
        int maxNew = (int) ctx.stage().numberSetting("max_new_tokens", 64);
        ObjectNode report;
        try (LocalModel model = model(ctx)) {
            report = Evaluation.run(model, records, verifier == null ? null : Evaluation.Verifier.parse(verifier),
                    Evaluation.Decoding.greedy(maxNew));
        }
        Files.writeString(ctx.stageDir().resolve("eval-report.json"), Json.pretty(report));
        ctx.metric("eval/loss", 0, report.path("loss").asDouble());
        if (report.has("accuracy")) ctx.metric("eval/accuracy", 0, report.get("accuracy").asDouble());
        ctx.commitAll(records.size(), 0);
        ctx.summary(String.format(java.util.Locale.ROOT, "loss %.4f, perplexity %.3f%s on %d records",
                report.path("loss").asDouble(), report.path("perplexity").asDouble(), report.has("accuracy")
                        ? String.format(java.util.Locale.ROOT, ", accuracy %.1f%% (%s)", 100 * report.get("accuracy").asDouble(),
                        report.path("verifier").asText()) : "", records.size()));
        ctx.event("evaluated", Map.of("loss", report.path("loss").asDouble(),
                "accuracy", report.path("accuracy").asDouble(Double.NaN)));
    }

    private static LocalModel model(StageContext ctx) throws IOException {
        String path = ctx.stage().stringSetting("model_path", null);
        if (path != null) return LocalModel.load(ctx.resolve(path));
        if (ctx.inputFiles().isEmpty()) {
            throw new IllegalArgumentException("stage '" + ctx.stage().name() + "': give model_path or an input train stage");
        }
        Path report = ctx.inputFiles().getFirst().getParent().resolve(TrainRunner.REPORT);
        if (!Files.exists(report)) {
            throw new IllegalArgumentException("stage '" + ctx.stage().name() + "': its input is not a train stage ("
                    + report + " is missing); give model_path");
        }
        JsonNode r = Json.MAPPER.readTree(report.toFile());
        if (!r.path("model_dir").isNull() && !r.path("model_dir").isMissingNode()) {
            return LocalModel.load(Path.of(r.get("model_dir").asText()));
        }
        return LocalModel.builder(Path.of(r.get("base_model").asText()))
                .adapter(Path.of(r.get("adapter_dir").asText())).build();
    }
}
