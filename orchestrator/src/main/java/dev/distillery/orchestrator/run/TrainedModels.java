package dev.distillery.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.trainers.runtime.LocalModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Models that {@code train} stages produced, as later stages find them: a stage names a train stage among its
 * {@code inputs} (which also orders it after the training), and the train stage's {@code train-report.json} says where
 * the model went. This is how an {@code eval} measures, a {@code sample} stage samples from, and a {@code train} stage
 * continues from the model an earlier stage trained.
 */
final class TrainedModels {
    private TrainedModels() {
    }

    /** Where one train stage's model is: a full model directory, or a base model plus a LoRA adapter. */
    record Trained(String stage, Path modelDir, Path baseModel, Path adapterDir) {
        LocalModel load() throws IOException {
            if (modelDir != null) return LocalModel.load(modelDir);
            return LocalModel.builder(baseModel).adapter(adapterDir).build();
        }

        /** A directory holding the whole model, for a job that trains further on it. */
        Path fullModel() {
            if (modelDir == null) {
                throw new IllegalArgumentException("stage '" + stage + "' trained a LoRA adapter without merging it; set "
                        + "`save_merged: true` in its train job so that a later stage can start from the whole model");
            }
            return modelDir;
        }
    }

    /**
     * The model a stage works with: its {@code model_path}, else the model its input train stage made, or with
     * {@code base} the model that stage started from.
     */
    static LocalModel forStage(StageContext ctx, boolean base) throws IOException {
        String path = ctx.stage().stringSetting("model_path", null);
        if (path != null) return LocalModel.load(ctx.resolve(path));
        Trained trained = fromInputs(ctx).orElseThrow(() -> new IllegalArgumentException("stage '" + ctx.stage().name()
                + "': give model_path or a train stage among its inputs"));
        return base ? LocalModel.load(trained.baseModel()) : trained.load();
    }

    /** Whether an input file belongs to a train stage. */
    static boolean isTrainStage(Path inputFile) {
        return Files.exists(inputFile.getParent().resolve(TrainRunner.REPORT));
    }

    /** The input train stage's model, if the stage has one among its inputs (the first, if several). */
    static Optional<Trained> fromInputs(StageContext ctx) throws IOException {
        List<String> names = ctx.stage().inputs();
        List<Path> files = ctx.inputFiles();
        for (int i = 0; i < files.size(); i++) {
            if (isTrainStage(files.get(i))) return Optional.of(read(names.get(i), files.get(i).getParent()));
        }
        return Optional.empty();
    }

    /** The inputs that are not train stages: the stage's data. */
    static List<Path> dataInputs(StageContext ctx) {
        return ctx.inputFiles().stream().filter(f -> !isTrainStage(f)).toList();
    }

    private static Trained read(String stage, Path stageDir) throws IOException {
        JsonNode r = Json.MAPPER.readTree(stageDir.resolve(TrainRunner.REPORT).toFile());
        return new Trained(stage, path(r, "model_dir"), path(r, "base_model"), path(r, "adapter_dir"));
    }

    private static Path path(JsonNode report, String field) {
        JsonNode v = report.path(field);
        return v.isTextual() ? Path.of(v.asText()) : null;
    }
}
