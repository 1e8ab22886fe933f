package dev.distillery.trainers.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.trainers.data.TokenizedExample;
import dev.distillery.trainers.data.ToyTasks;
import dev.distillery.trainers.engine.TrainingModel;
import dev.distillery.trainers.factory.TinyModelFactory;
import dev.distillery.trainers.io.FileTrees;
import dev.distillery.trainers.io.LoadedModel;
import dev.distillery.trainers.io.ModelLoader;
import dev.distillery.trainers.io.ModelWriter;
import dev.distillery.trainers.io.PeftAdapter;
import dev.distillery.trainers.model.Initializers;
import dev.distillery.trainers.model.LoraConfig;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.model.Projection;
import dev.distillery.trainers.optim.AdamW;
import dev.distillery.trainers.optim.LearningRateSchedule;
import dev.distillery.trainers.eval.GreedyAccuracy;
import dev.distillery.trainers.tokenizer.ChatTemplate;
import dev.distillery.trainers.preference.PreferenceExample;
import dev.distillery.trainers.preference.PreferenceLoss;
import dev.distillery.trainers.preference.PreferenceTrainer;
import dev.distillery.trainers.tokenizer.SftEncoder;
import dev.distillery.trainers.tokenizer.Tokenizer;
import dev.distillery.trainers.training.Checkpoint;
import dev.distillery.trainers.training.SftTrainer;
import dev.distillery.trainers.training.TrainingListener;
import dev.distillery.trainers.training.TrainingSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Runs a {@link TrainJob} end to end: base model (created if the job says so), data encoding with the model's chat
 * template, LoRA or full SFT, and the outputs: a PEFT adapter and/or a model directory, {@code metrics.jsonl},
 * checkpoints and a {@code train_summary.json}. The CLI's {@code distillery train} and the orchestrator both call
 * this.
 *
 * <pre>{@code
 * TrainingRun.Report r = TrainingRun.run(TrainJob.read(Path.of("job.yaml")), false, TrainingListener.NONE);
 * }</pre>
 */
public final class TrainingRun {

    /**
     * @param output          the output directory
     * @param steps           optimizer steps done
     * @param finalLoss       loss of the last step
     * @param evalLoss        last held-out loss (NaN without eval data)
     * @param examples        training examples used
     * @param encodeCounts    how the data encoding went: kept, truncated, dropped (too long / no targets)
     * @param adapterDir      the PEFT adapter (LoRA), or null
     * @param modelDir        the full or merged model, or null
     */
    public record Report(Path output, int steps, double finalLoss, double evalLoss, double evalAccuracy,
                         int examples, Map<SftEncoder.Status, Integer> encodeCounts, Path adapterDir, Path modelDir,
                         int resumedFrom) {
    }

    private TrainingRun() {
    }

    /**
     * @param resume continue from the newest checkpoint in the output directory; without it, an output directory
     *               that already holds checkpoints is refused rather than overwritten
     */
    public static Report run(TrainJob job, boolean resume, TrainingListener listener) {
        Path output = Path.of(job.output());
        if (!resume && Checkpoint.latest(output).isPresent()) {
            throw new IllegalArgumentException(output + " already holds checkpoints of an earlier run; pass --resume to "
                    + "continue it, or choose another output directory");
        }
        try {
            Files.createDirectories(output);
            Files.writeString(output.resolve("job.yaml"), job.toYaml());
        } catch (IOException e) {
            throw new UncheckedIOException(output + ": " + e.getMessage(), e);
        }
        long seed = job.seed() == null ? 42 : job.seed();

        Path modelDir = Path.of(job.baseModel().path());
        boolean dpo = job.objective().equals("dpo");
        List<DataRecord> trainRecords = loadRecords(job.dataset().path(), job.dataset().format(), job.dataset().toy(), dpo);
        if (!Files.exists(modelDir)) {
            if (job.baseModel().init() == null) {
                throw new IllegalArgumentException(modelDir + ": base model not found (give base_model.init to create a "
                        + "random tiny model there)");
            }
            createBase(modelDir, job.baseModel().init(), trainRecords);
        }
        LoadedModel base;
        try {
            base = ModelLoader.load(modelDir);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }

        var batch = job.batch();
        int maxLength = intOr(batch == null ? null : batch.maxLength(), Math.min(512, base.config().maxPositionEmbeddings()));
        boolean drop = batch != null && "drop".equals(batch.truncation());
        SftEncoder encoder;
        try {
            encoder = SftEncoder.load(modelDir, drop ? SftEncoder.Options.drop(maxLength) : SftEncoder.Options.keepStart(maxLength));
        } catch (IOException e) {
            throw new IllegalArgumentException(modelDir + ": cannot load the tokenizer: " + e.getMessage(), e);
        }
        Map<SftEncoder.Status, Integer> counts = new EnumMap<>(SftEncoder.Status.class);
        List<TokenizedExample> train = dpo ? List.of() : encode(encoder, trainRecords, counts);
        List<TokenizedExample> eval = new ArrayList<>();
        List<DataRecord> evalRecords = List.of();
        if (job.eval() != null) {
            if (job.eval().split() != null) {
                Collections.shuffle(train, new Random(seed));
                int n = (int) Math.round(train.size() * job.eval().split());
                eval.addAll(train.subList(0, n));
                train = new ArrayList<>(train.subList(n, train.size()));
            } else {
                evalRecords = loadRecords(job.eval().path(), job.eval().format(), job.eval().toy(), dpo);
                if (!dpo) eval = encode(encoder, evalRecords, new EnumMap<>(SftEncoder.Status.class));
            }
        }
        if (!dpo && train.isEmpty()) throw new IllegalArgumentException("no training examples left after encoding: " + counts);

        TrainingSettings settings = settings(job, maxLength, seed);
        int rows = (dpo ? 2 : 1) * settings.microBatchRows(); // a preference micro-batch holds chosen and rejected rows
        TrainingModel model;
        LoraLayout loraLayout = null;
        if (job.method().equals("full")) {
            model = TrainingModel.full(base.weights(), rows, maxLength);
        } else {
            var l = job.lora();
            String init = l == null ? null : l.initAdapter();
            float[] loraParams;
            if (init != null) {
                try {
                    PeftAdapter.Loaded loaded = PeftAdapter.read(Path.of(init), base.config());
                    loraLayout = loaded.layout();
                    loraParams = loaded.weights();
                } catch (IOException e) {
                    throw new IllegalArgumentException(init + ": cannot read the initial adapter: " + e.getMessage(), e);
                }
            } else {
                loraLayout = LoraLayout.of(base.config(), loraConfig(l));
                loraParams = Initializers.lora(loraLayout, seed);
            }
            model = TrainingModel.lora(base.weights(), loraLayout, loraParams, rows, maxLength);
        }

        SftTrainer.TrainingResult result;
        int examples;
        if (dpo) {
            List<PreferenceExample> pairs = encodePairs(encoder, trainRecords, counts);
            if (pairs.isEmpty()) throw new IllegalArgumentException("no preference pairs left after encoding: " + counts);
            List<PreferenceExample> evalPairs;
            if (job.eval() != null && job.eval().split() != null) {
                // Held-out pairs are a seeded share of the training pairs, as for SFT.
                pairs = new ArrayList<>(pairs);
                Collections.shuffle(pairs, new Random(seed));
                int n = (int) Math.round(pairs.size() * job.eval().split());
                evalPairs = new ArrayList<>(pairs.subList(0, n));
                pairs = new ArrayList<>(pairs.subList(n, pairs.size()));
            } else {
                evalPairs = encodePairs(encoder, evalRecords, new EnumMap<>(SftEncoder.Status.class));
            }
            result = new PreferenceTrainer(model, settings, preferenceLoss(job.preference()), output)
                    .train(pairs, evalPairs, resume, listener);
            examples = pairs.size();
        } else {
            result = new SftTrainer(model, settings, output).train(train, eval, resume, listener);
            examples = train.size();
        }
        double accuracy = Double.NaN;
        if (job.eval() != null && Boolean.TRUE.equals(job.eval().accuracy()) && !evalRecords.isEmpty()) {
            try {
                model.setLoraEnabled(true);
                accuracy = GreedyAccuracy.of(model, Tokenizer.load(modelDir), ChatTemplate.load(modelDir), evalRecords, 16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Path adapterDir = null;
        Path outModel = null;
        try {
            if (loraLayout != null) {
                adapterDir = output.resolve("adapter");
                replace(adapterDir);
                PeftAdapter.write(adapterDir, loraLayout, model.parameters(), modelDir.toAbsolutePath().toString());
                if (Boolean.TRUE.equals(job.saveMerged())) {
                    outModel = output.resolve("merged");
                    replace(outModel);
                    ModelWeights merged = PeftAdapter.merge(base.weights(), loraLayout, model.parameters());
                    ModelWriter.write(outModel, base.config(), merged, modelDir);
                }
            } else {
                outModel = output.resolve("model");
                replace(outModel);
                ModelWriter.write(outModel, base.config(), base.weights(), modelDir);
            }
            ObjectNode summary = Json.object().put("method", job.method()).put("objective", job.objective())
                    .put("steps", result.steps()).put("final_loss", result.finalLoss()).put("examples", examples)
                    .put("eval_examples", eval.size()).put("resumed_from", result.resumedFrom());
            if (!Double.isNaN(result.evalLoss())) summary.put("eval_loss", result.evalLoss());
            if (!Double.isNaN(accuracy)) summary.put("eval_accuracy", accuracy);
            counts.forEach((k, v) -> summary.put("encode_" + k.name().toLowerCase(), v));
            Files.writeString(output.resolve("train_summary.json"), Json.pretty(summary));
        } catch (IOException e) {
            throw new UncheckedIOException(output + ": cannot write outputs: " + e.getMessage(), e);
        }
        return new Report(output, result.steps(), result.finalLoss(), result.evalLoss(), accuracy, examples, counts,
                adapterDir, outModel, result.resumedFrom());
    }

    private static void createBase(Path dir, TrainJob.Init init, List<DataRecord> records) {
        var d = TinyModelFactory.Spec.defaults();
        var spec = new TinyModelFactory.Spec(init.family() == null ? d.family() : init.family(),
                intOr(init.hidden(), d.hidden()), intOr(init.layers(), d.layers()), intOr(init.heads(), d.heads()),
                intOr(init.kvHeads(), d.kvHeads()), intOr(init.intermediate(), d.intermediate()),
                intOr(init.vocab(), d.vocab()), intOr(init.context(), d.context()),
                init.tied() != null ? init.tied() : d.tied(), init.seed() != null ? init.seed() : d.seed(), d.initStd());
        List<String> corpus = new ArrayList<>();
        if (!Boolean.FALSE.equals(init.corpusFromDataset())) {
            for (DataRecord r : records) corpus.add(r.payload().text());
        }
        TinyModelFactory.create(dir, spec, corpus);
    }

    private static List<DataRecord> loadRecords(String path, String format, TrainJob.Toy toy, boolean pairs) {
        if (toy != null) {
            ToyTasks.Task task = ToyTasks.Task.parse(toy.task() == null ? "add" : toy.task());
            int n = intOr(toy.count(), 1000);
            long seed = toy.seed() == null ? 1 : toy.seed();
            return pairs ? ToyTasks.preferences(task, n, seed) : ToyTasks.generate(task, n, seed);
        }
        List<DataRecord> out = new ArrayList<>();
        try (RecordIterator it = Datasets.input(Path.of(path), format).open()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static List<TokenizedExample> encode(SftEncoder encoder, List<DataRecord> records,
                                                 Map<SftEncoder.Status, Integer> counts) {
        List<TokenizedExample> out = new ArrayList<>(records.size());
        for (DataRecord r : records) {
            SftEncoder.Result res = encoder.encode(r.payload());
            counts.merge(res.status(), 1, Integer::sum);
            if (res.kept()) out.add(new TokenizedExample(res.inputIds(), res.labels()));
        }
        return out;
    }

    /**
     * Preference pairs as two prompt/completion encodings each; identical chosen and rejected, an empty side, and
     * pairs whose encoding dropped either side, are skipped and counted ({@code DROPPED_NO_TARGETS} covers identical
     * pairs, {@code DROPPED_EMPTY_COMPLETION} empty ones).
     */
    static List<PreferenceExample> encodePairs(SftEncoder encoder, List<DataRecord> records,
                                                       Map<SftEncoder.Status, Integer> counts) {
        List<PreferenceExample> out = new ArrayList<>(records.size());
        for (DataRecord r : records) {
            TokenizedExample chosen, rejected;
            if (r.payload() instanceof Payload.Preference p) {
                if (p.chosen().text().isBlank() || p.rejected().text().isBlank()) {
                    counts.merge(SftEncoder.Status.DROPPED_EMPTY_COMPLETION, 1, Integer::sum);
                    continue;
                }
                if (p.chosen().equals(p.rejected())) {
                    counts.merge(SftEncoder.Status.DROPPED_NO_TARGETS, 1, Integer::sum);
                    continue;
                }
                SftEncoder.Result c = encoder.encode(new Payload.PromptCompletion(p.prompt(), p.chosen()));
                SftEncoder.Result x = encoder.encode(new Payload.PromptCompletion(p.prompt(), p.rejected()));
                if (!c.kept() || !x.kept()) {
                    counts.merge(!c.kept() ? c.status() : x.status(), 1, Integer::sum);
                    continue;
                }
                counts.merge(c.status() == SftEncoder.Status.TRUNCATED || x.status() == SftEncoder.Status.TRUNCATED
                        ? SftEncoder.Status.TRUNCATED : SftEncoder.Status.KEPT, 1, Integer::sum);
                chosen = new TokenizedExample(c.inputIds(), c.labels());
                rejected = new TokenizedExample(x.inputIds(), x.labels());
            } else if (r.payload() instanceof Payload.TokenPreference p) {
                if (p.chosenIds().length == 0 || p.rejectedIds().length == 0) {
                    counts.merge(SftEncoder.Status.DROPPED_EMPTY_COMPLETION, 1, Integer::sum);
                    continue;
                }
                if (java.util.Arrays.equals(p.chosenIds(), p.rejectedIds())) {
                    counts.merge(SftEncoder.Status.DROPPED_NO_TARGETS, 1, Integer::sum);
                    continue;
                }
                chosen = concat(p.promptIds(), p.chosenIds());
                rejected = concat(p.promptIds(), p.rejectedIds());
                counts.merge(SftEncoder.Status.KEPT, 1, Integer::sum);
            } else {
                throw new IllegalArgumentException("record " + r.id() + ": the dpo objective needs preference pairs "
                        + "(prompt/chosen/rejected), got a '" + r.payload().type() + "' record");
            }
            out.add(new PreferenceExample(chosen, rejected, 0, 0));
        }
        return out;
    }

    private static TokenizedExample concat(int[] prompt, int[] completion) {
        int[] ids = new int[prompt.length + completion.length];
        int[] labels = new int[ids.length];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        System.arraycopy(completion, 0, ids, prompt.length, completion.length);
        java.util.Arrays.fill(labels, 0, prompt.length, -100);
        System.arraycopy(completion, 0, labels, prompt.length, completion.length);
        return new TokenizedExample(ids, labels);
    }

    static PreferenceLoss preferenceLoss(TrainJob.Preference p) {
        return new PreferenceLoss(PreferenceLoss.Type.parse(p == null || p.loss() == null ? "sigmoid" : p.loss()),
                p == null || p.beta() == null ? 0.1 : p.beta(),
                p == null || p.labelSmoothing() == null ? 0.0 : p.labelSmoothing(),
                p == null || p.simpoGamma() == null ? 0.5 : p.simpoGamma(),
                p == null || p.sftWeight() == null ? 0.0 : p.sftWeight());
    }

    static TrainingSettings settings(TrainJob job, int maxLength, long seed) {
        var d = TrainingSettings.defaults();
        var o = job.optimizer();
        var s = job.schedule();
        var b = job.batch();
        var adam = new AdamW.Settings(o == null || o.beta1() == null ? 0.9 : o.beta1(),
                o == null || o.beta2() == null ? 0.999 : o.beta2(), o == null || o.eps() == null ? 1e-8 : o.eps(),
                o == null || o.weightDecay() == null ? 0.0 : o.weightDecay());
        return new TrainingSettings(intOr(b == null ? null : b.microBatchSize(), d.microBatchRows()),
                intOr(b == null ? null : b.gradientAccumulation(), 1), maxLength,
                b != null && Boolean.TRUE.equals(b.packing()), intOr(job.epochs(), 1), intOr(job.maxSteps(), 0),
                s == null || s.type() == null ? d.schedule() : LearningRateSchedule.Kind.parse(s.type()),
                o == null || o.learningRate() == null ? d.learningRate() : o.learningRate(),
                s == null || s.warmupRatio() == null ? d.warmupRatio() : s.warmupRatio(),
                o == null || o.maxGradNorm() == null ? d.maxGradNorm() : o.maxGradNorm(), adam, seed,
                intOr(job.checkpointEvery(), 0), intOr(job.evalEvery(), 0));
    }

    static LoraConfig loraConfig(TrainJob.Lora l) {
        int r = l == null || l.r() == null ? 8 : l.r();
        double alpha = l == null || l.alpha() == null ? 2.0 * r : l.alpha();
        double dropout = l == null || l.dropout() == null ? 0.0 : l.dropout();
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        List<String> names = l == null || l.targetModules() == null ? List.of("q_proj", "k_proj", "v_proj", "o_proj")
                : l.targetModules();
        for (String n : names) {
            if (n.equals("all-linear")) targets.addAll(EnumSet.allOf(Projection.class));
            else targets.add(Projection.ofModule(n));
        }
        return new LoraConfig(r, alpha, dropout, targets, l != null && Boolean.TRUE.equals(l.useRslora()));
    }

    private static int intOr(Integer v, int dflt) {
        return v == null ? dflt : v;
    }

    /** Outputs are rewritten at the end of every (resumed) run; the writers refuse non-empty targets. */
    private static void replace(Path dir) throws IOException {
        FileTrees.delete(dir);
    }
}
