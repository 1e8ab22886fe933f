package dev.distillery.orchestrator.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.distillery.datasets.json.Json;
import dev.distillery.trainers.job.TrainJob;
import dev.distillery.trainers.job.TrainingRun;
import dev.distillery.trainers.training.Checkpoint;
import dev.distillery.trainers.training.TrainingListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code train}: runs a trainer job on the input stage's records, streaming loss, learning rate and evaluation to the
 * run's metrics. Resumes from the job's own checkpoints when an attempt was interrupted. Writes
 * {@code train-report.json} (where the adapter and model went) for an {@code eval} stage downstream.
 */
final class TrainRunner implements StageRunner {

    static final String REPORT = "train-report.json";

    @Override
    public String kind() {
        return "train";
    }

    @Override
    public boolean barrier() {
        return true;
    }

    @Override
    public boolean resumable() {
        return true;
    }

    @Override
    public void run(StageContext ctx) throws IOException {
        List<Path> data = TrainedModels.dataInputs(ctx);
        if (data.size() > 1) {
            throw new IllegalArgumentException("stage '" + ctx.stage().name() + "': a train stage reads one data stage, got "
                    + data.size() + " (merge them first, or list one data stage and at most one train stage)");
        }
        TrainJob.Data input = data.isEmpty() ? null : new TrainJob.Data(data.getFirst().toString(), "distillery", null);
        TrainJob job = job(ctx, input);
        Path output = ctx.stageDir().resolve("train");
        job = job.withOutput(output.toString());
        boolean resume = Checkpoint.latest(output).isPresent();
        TrainingRun.Report r = TrainingRun.run(job, resume, new TrainingListener() {
            @Override
            public void onStep(int step, int totalSteps, double loss, double learningRate, double gradNorm, long tokens,
                               double tokensPerSecond) {
                ctx.checkCancelled();
                ctx.metric("train/loss", step, loss);
                ctx.metric("train/learning_rate", step, learningRate);
                ctx.metric("train/grad_norm", step, gradNorm);
                ctx.metric("train/tokens_per_second", step, tokensPerSecond);
            }

            @Override
            public void onMetrics(int step, Map<String, Double> metrics) {
                // The objective's own names (TRL's rewards/margins, ...) keep their slashes: train/rewards/margins.
                metrics.forEach((name, value) -> ctx.metric("train/" + name, step, value));
            }

            @Override
            public void onEval(int step, double loss, double perplexity) {
                ctx.metric("eval/loss", step, loss);
                ctx.metric("eval/perplexity", step, perplexity);
            }

            @Override
            public void onCheckpoint(int step, Path dir) {
                ctx.event("checkpoint", Map.of("step", step, "dir", dir.toString()));
            }
        });
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("base_model", Path.of(job.baseModel().path()).toAbsolutePath().toString());
        report.put("adapter_dir", r.adapterDir() == null ? null : r.adapterDir().toAbsolutePath().toString());
        report.put("model_dir", r.modelDir() == null ? null : r.modelDir().toAbsolutePath().toString());
        report.put("steps", r.steps());
        report.put("examples", r.examples());
        report.put("final_loss", r.finalLoss());
        report.put("eval_loss", Double.isNaN(r.evalLoss()) ? null : r.evalLoss());
        report.put("eval_accuracy", Double.isNaN(r.evalAccuracy()) ? null : r.evalAccuracy());
        report.put("resumed_from", r.resumedFrom());
        Files.writeString(ctx.stageDir().resolve(REPORT), Json.pretty(report));
        ctx.commitAll(r.examples(), 0);
        ctx.summary(String.format(java.util.Locale.ROOT, "%d steps, final loss %.4f%s", r.steps(), r.finalLoss(),
                Double.isNaN(r.evalAccuracy()) ? "" : String.format(java.util.Locale.ROOT, ", held-out accuracy %.1f%%",
                        100 * r.evalAccuracy())));
        ctx.event("trained", report);
    }

    /**
     * The job file, or the inline job written to the stage directory so errors name a file and line. A train stage
     * among the inputs supplies the base model (round 2 continues from round 1, DPO starts from SFT); the written job
     * then names that model, so the file says exactly what ran.
     */
    @SuppressWarnings("unchecked")
    private static TrainJob job(StageContext ctx, TrainJob.Data input) throws IOException {
        Object file = ctx.stage().setting("job");
        var from = TrainedModels.fromInputs(ctx);
        if (file != null) {
            TrainJob job = TrainJob.read(ctx.resolve(file.toString()), input);
            return from.isEmpty() ? job : job.withBaseModel(new TrainJob.BaseModel(from.get().fullModel().toString(), null));
        }
        Path inline = ctx.stageDir().resolve("job.yaml");
        Map<String, Object> train = new LinkedHashMap<>((Map<String, Object>) ctx.stage().setting("train"));
        if (from.isPresent()) {
            if (train.containsKey("base_model")) {
                throw new IllegalArgumentException("stage '" + ctx.stage().name() + "': give either train.base_model or a "
                        + "train stage among the inputs ('" + from.get().stage() + "'), not both");
            }
            train.put("base_model", Map.of("path", from.get().fullModel().toString()));
        }
        try {
            Files.createDirectories(ctx.stageDir());
            Files.writeString(inline, new ObjectMapper(new YAMLFactory()).writeValueAsString(train));
        } catch (IOException e) {
            throw new UncheckedIOException(inline + ": cannot write: " + e.getMessage(), e);
        }
        return TrainJob.read(inline, input);
    }
}
