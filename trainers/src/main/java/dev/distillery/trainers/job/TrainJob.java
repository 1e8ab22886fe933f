package dev.distillery.trainers.job;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.distillery.datasets.json.JsonErrors;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A training job as written in {@code JOB.yaml}: method, base model, data, LoRA, optimiser, schedule, batch, length,
 * epochs or steps, evaluation and output. Every field but {@code base_model} and the data has a default.
 *
 * <pre>{@code
 * TrainJob job = TrainJob.read(Path.of("examples/sft-tiny.yaml"));
 * }</pre>
 */
public record TrainJob(String method, String objective, BaseModel baseModel, Data dataset, Eval eval, Lora lora,
                       Preference preference, Optimizer optimizer, Schedule schedule, BatchSpec batch, Integer epochs,
                       Integer maxSteps, Long seed, Integer checkpointEvery, Integer evalEvery, String output,
                       Boolean saveMerged) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    /**
     * The model to train from.
     *
     * @param path directory of a Hugging Face-layout model (config.json, model.safetensors, tokenizer files)
     * @param init when set and {@code path} does not exist yet, a random tiny model of this shape is created there
     */
    public record BaseModel(String path, Init init) {
    }

    /** Shape of a model created by {@code base_model.init}; see {@code distillery model init}. */
    public record Init(String family, Integer hidden, Integer layers, Integer heads, Integer kvHeads,
                       Integer intermediate, Integer vocab, Integer context, Boolean tied, Long seed,
                       Boolean corpusFromDataset) {
    }

    /**
     * Training data: a file or dataset directory in any format Distillery reads, or generated toy data.
     *
     * @param path   JSONL file (.jsonl, .jsonl.gz) or dataset directory
     * @param format format name (default: detected)
     * @param toy    generate a toy task instead of reading a file
     */
    public record Data(String path, String format, Toy toy) {
    }

    /**
     * {@code toy: {task: add, count: 2000, seed: 1}}: chats for SFT, preference pairs (correct vs wrong answer) for
     * DPO.
     */
    public record Toy(String task, Integer count, Long seed) {
    }

    /**
     * Evaluation data: a separate file, or a share held out of the training data.
     *
     * @param split    share of the training examples held out (seeded)
     * @param accuracy also measure greedy exact-match accuracy against the last assistant turn (eval file or toy)
     */
    public record Eval(String path, String format, Double split, Toy toy, Boolean accuracy) {
    }

    /** LoRA settings in PEFT's names; {@code init_adapter} starts from an existing PEFT adapter directory. */
    public record Lora(Integer r, Double alpha, Double dropout, List<String> targetModules, Boolean useRslora,
                       String initAdapter) {
    }

    /**
     * Preference optimisation settings (objective {@code dpo}).
     *
     * @param loss           sigmoid (dpo), ipo, sigmoid_norm (dpo_norm), hinge, robust, orpo, simpo
     * @param beta           β (default 0.1)
     * @param labelSmoothing ε for robust / SimPO (default 0)
     * @param simpoGamma     SimPO's margin γ (default 0.5)
     * @param sftWeight      weight of an NLL term on the chosen answer (RPO; default 0)
     */
    public record Preference(String loss, Double beta, Double labelSmoothing, Double simpoGamma, Double sftWeight) {
    }

    public record Optimizer(Double learningRate, Double weightDecay, Double beta1, Double beta2, Double eps,
                            Double maxGradNorm) {
    }

    /** {@code type}: constant, linear or cosine; warmup as a share of all steps. */
    public record Schedule(String type, Double warmupRatio) {
    }

    /**
     * @param truncation {@code keep_start} (cut the end) or {@code drop} (skip the example); both are counted
     */
    public record BatchSpec(Integer microBatchSize, Integer gradientAccumulation, Integer maxLength, Boolean packing,
                            String truncation) {
    }

    /** Reads and checks a job file; errors name the file, line and field. */
    public static TrainJob read(Path file) {
        return read(file, null);
    }

    /**
     * Reads a job file whose training data is given by the caller (a pipeline's train stage feeds it its input
     * stage's records), then checks it; {@code dataset} replaces the file's own, which may be absent.
     */
    public static TrainJob read(Path file, Data dataset) {
        TrainJob job;
        try {
            job = YAML.readValue(file.toFile(), TrainJob.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IllegalArgumentException(file + ": no such job file");
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(where(file, e, e.getPropertyName()) + "field '" + JsonErrors.path(e.getPath())
                    + "': unknown field; expected one of " + e.getKnownPropertyIds());
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(where(file, e) + "field '" + JsonErrors.path(e.getPath()) + "': "
                    + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where(file, e) + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
        }
        if (job == null) throw new IllegalArgumentException(file + ": empty job file");
        if (dataset != null) job = job.withDataset(dataset);
        job.validate(file);
        return job;
    }

    private static String where(Path file, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        return file + (loc != null && loc.getLineNr() > 0 ? ":" + loc.getLineNr() : "") + ": ";
    }

    /**
     * The YAML parser reports where it stopped, often the line after an unknown key; when the key occurs once in the
     * file, its own line is the better pointer.
     */
    private static String where(Path file, JsonProcessingException e, String key) {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(file);
            var pattern = java.util.regex.Pattern.compile("(^|[\\s{,])" + java.util.regex.Pattern.quote(key) + "\\s*:");
            int found = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (pattern.matcher(lines.get(i)).find()) {
                    if (found >= 0) return where(file, e);
                    found = i;
                }
            }
            return found < 0 ? where(file, e) : file + ":" + (found + 1) + ": ";
        } catch (IOException io) {
            return where(file, e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "invalid value";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Checks what Jackson cannot: required fields, choices and ranges. */
    void validate(Path file) {
        String m = method();
        if (!m.equals("lora") && !m.equals("full")) fail(file, "method", "expected lora or full, got '" + method + "'");
        String o = objective();
        if (!o.equals("sft") && !o.equals("dpo")) fail(file, "objective", "expected sft or dpo, got '" + objective + "'");
        if (preference != null && preference.loss() != null) {
            try {
                dev.distillery.trainers.preference.PreferenceLoss.Type.parse(preference.loss());
            } catch (IllegalArgumentException e) {
                fail(file, "preference.loss", e.getMessage());
            }
        }
        if (baseModel == null || baseModel.path() == null) fail(file, "base_model.path", "required: the model directory");
        if (dataset == null || (dataset.path() == null) == (dataset.toy() == null)) {
            fail(file, "dataset", "give exactly one of dataset.path or dataset.toy");
        }
        if (output == null) fail(file, "output", "required: where adapters, checkpoints and metrics go");
        if (eval != null && eval.split() != null && (eval.split() <= 0 || eval.split() >= 1)) {
            fail(file, "eval.split", "must be in (0, 1), got " + eval.split());
        }
        String t = batch == null || batch.truncation() == null ? "keep_start" : batch.truncation();
        if (!t.equals("keep_start") && !t.equals("drop")) fail(file, "batch.truncation", "expected keep_start or drop, got '" + t + "'");
    }

    private static void fail(Path file, String field, String problem) {
        throw new IllegalArgumentException(file + ": field '" + field + "': " + problem);
    }

    public String method() {
        return method == null ? "lora" : method.toLowerCase(Locale.ROOT);
    }

    /** {@code sft} (default) or {@code dpo} (the preference family chosen by {@code preference.loss}). */
    public String objective() {
        return objective == null ? "sft" : objective.toLowerCase(Locale.ROOT);
    }

    /** This job as YAML, e.g. to store the resolved job next to its outputs. */
    public String toYaml() {
        try {
            return YAML.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same job on other training data (the pipeline's train stage feeds it its input stage's records). */
    public TrainJob withDataset(Data newDataset) {
        return new TrainJob(method, objective, baseModel, newDataset, eval, lora, preference, optimizer, schedule, batch,
                epochs, maxSteps, seed, checkpointEvery, evalEvery, output, saveMerged);
    }

    public TrainJob withBaseModel(BaseModel newBase) {
        return new TrainJob(method, objective, newBase, dataset, eval, lora, preference, optimizer, schedule, batch,
                epochs, maxSteps, seed, checkpointEvery, evalEvery, output, saveMerged);
    }

    public TrainJob withOutput(String newOutput) {
        return new TrainJob(method, objective, baseModel, dataset, eval, lora, preference, optimizer, schedule, batch,
                epochs, maxSteps, seed, checkpointEvery, evalEvery, newOutput, saveMerged);
    }
}
