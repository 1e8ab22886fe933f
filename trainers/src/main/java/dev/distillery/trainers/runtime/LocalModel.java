package dev.distillery.trainers.runtime;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.DecodingModel;
import dev.distillery.trainers.engine.TrainingModel;
import dev.distillery.trainers.io.FileTrees;
import dev.distillery.trainers.io.LoadedModel;
import dev.distillery.trainers.io.ModelLoader;
import dev.distillery.trainers.io.ModelWriter;
import dev.distillery.trainers.io.PeftAdapter;
import dev.distillery.trainers.jlama.JlamaParityCheck;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.tokenizer.ChatTemplate;
import dev.distillery.trainers.tokenizer.Tokenizer;
import dev.distillery.trainers.tokenizer.TokenizerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One model directory (optionally with a PEFT LoRA adapter) loaded for inference: generation through
 * {@link Generator}, exact scoring through {@link Scorer}, chat through {@link LocalChatModel}.
 *
 * <pre>{@code
 * try (LocalModel m = LocalModel.builder(Path.of("models/tiny")).adapter(Path.of("runs/sft/adapter")).build()) {
 *     GenerationResult r = new Generator(m).generate(GenerationRequest.builder(Prompt.text("Hello")).build());
 * }
 * }</pre>
 *
 * <p><b>Backends.</b> Generation runs on Jlama (KV cache, fast decoding) when Jlama computes the same probabilities
 * as the trainer's float32 engine for this model: {@link JlamaParityCheck} runs at load time, because Jlama 0.8.4
 * silently returns wrong logits for some shapes (jlama-notes §6). Otherwise, or when Jlama cannot load the model,
 * generation falls back to the trainer's engine (its KV-cached decoder, {@link DecodingModel}) and the log says
 * why. {@link BackendChoice}
 * forces either; forcing Jlama fails instead of serving wrong numbers. Scoring always uses the engine, the ground
 * truth, so the engine's float32 weights are held in both cases (Jlama additionally memory-maps its own copy).
 *
 * <p><b>Adapters.</b> The engine applies the adapter without merging ({@link TrainingModel#lora}); Jlama serves the
 * merged weights, written to a temporary model directory that {@link #close()} deletes.
 *
 * <p><b>Threads.</b> All methods may be called concurrently. Forward passes are serialized per model by one fair lock:
 * concurrent generations interleave token by token, each on its own in-memory KV buffer.
 *
 * <p><b>Files.</b> Jlama's working directory and the merged model live in one private temporary folder; KV caches
 * are ephemeral (in memory), so nothing is written there during generation, and {@link #close()} deletes the folder.
 */
public final class LocalModel implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalModel.class.getName());

    /** Which implementation runs generation. */
    public enum Backend { JLAMA, ENGINE }

    /** Which backend the caller wants: AUTO picks Jlama when its parity check passes. */
    public enum BackendChoice { AUTO, JLAMA, ENGINE }

    /** Prefill chunk: Jlama's own generate() prefills in chunks of this size (jlama.max_batch_size). */
    private static final int PREFILL_CHUNK = 256;

    private final Path modelDir;
    private final Path adapterDir;
    private final ModelConfig config;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final int[] stopIds;
    private final TrainingModel engine;
    private final DecodingModel decoder;
    private final int engineMaxSeqLen;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Backend backend;
    private final String backendReason;
    private final JlamaParityCheck.Report parity;
    private final Path scratch;
    private final AbstractModel jlama;
    private final KvBufferCache kvCache;
    private final JlamaLogits jlamaLogits;
    private final int maxPositions;
    private volatile boolean closed;

    /** Starts configuring a model loaded from {@code modelDir}. */
    public static Builder builder(Path modelDir) {
        return new Builder(modelDir);
    }

    /** Loads {@code modelDir} with the defaults (AUTO backend, no adapter). */
    public static LocalModel load(Path modelDir) {
        return builder(modelDir).build();
    }

    /** Configuration of a {@link LocalModel}. */
    public static final class Builder {
        private final Path modelDir;
        private Path adapterDir;
        private BackendChoice backend = BackendChoice.AUTO;
        private int maxSequenceLength = 1024;
        private int parityProbeLength = 17;
        private Path scratchParent;

        private Builder(Path modelDir) {
            this.modelDir = Objects.requireNonNull(modelDir, "modelDir");
        }

        /** A PEFT LoRA adapter directory ({@code adapter_config.json} + {@code adapter_model.safetensors}). */
        public Builder adapter(Path adapterDir) {
            this.adapterDir = adapterDir;
            return this;
        }

        public Builder backend(BackendChoice choice) {
            this.backend = Objects.requireNonNull(choice, "choice");
            return this;
        }

        /**
         * Longest sequence (prompt + generated tokens, or a scored text) the engine is sized for; capped at the
         * model's context. The engine preallocates activations for it, so keep it modest on big models.
         */
        public Builder maxSequenceLength(int tokens) {
            if (tokens < 2) throw new IllegalArgumentException("maxSequenceLength must be at least 2, got " + tokens);
            this.maxSequenceLength = tokens;
            return this;
        }

        /** Probe length of the start-up parity check (default 17, as jlama-notes §6.2 suggests). */
        public Builder parityProbeLength(int tokens) {
            if (tokens < 1) throw new IllegalArgumentException("parityProbeLength must be positive, got " + tokens);
            this.parityProbeLength = tokens;
            return this;
        }

        /** Where the private temporary folder goes (default: java.io.tmpdir). */
        public Builder scratchDirectory(Path parent) {
            this.scratchParent = parent;
            return this;
        }

        public LocalModel build() {
            return new LocalModel(this);
        }
    }

    private LocalModel(Builder b) {
        this.modelDir = b.modelDir;
        this.adapterDir = b.adapterDir;
        LoadedModel base;
        try {
            base = ModelLoader.load(modelDir);
            this.tokenizer = Tokenizer.load(modelDir);
            TokenizerConfig tc = TokenizerConfig.load(modelDir);
            this.template = tc.chatTemplate() == null || tc.chatTemplate().isBlank() ? null : ChatTemplate.of(tc);
        } catch (IOException e) {
            throw new UncheckedIOException(modelDir + ": cannot load model: " + e.getMessage(), e);
        }
        this.config = base.config();
        this.engineMaxSeqLen = Math.min(b.maxSequenceLength, config.maxPositionEmbeddings());
        this.stopIds = stopIds(config, tokenizer, template);

        ModelWeights served = base.weights();
        if (adapterDir != null) {
            PeftAdapter.Loaded a;
            try {
                a = PeftAdapter.read(adapterDir, config);
            } catch (IOException e) {
                throw new UncheckedIOException(adapterDir + ": cannot load adapter: " + e.getMessage(), e);
            }
            this.engine = TrainingModel.lora(base.weights(), a.layout(), a.weights(), 1, engineMaxSeqLen);
            this.decoder = DecodingModel.of(base.weights(), a.layout(), a.weights());
            if (b.backend != BackendChoice.ENGINE) served = PeftAdapter.merge(base.weights(), a.layout(), a.weights());
        } else {
            this.engine = TrainingModel.full(base.weights(), 1, engineMaxSeqLen);
            this.decoder = DecodingModel.of(base.weights(), null, null);
        }
        engine.setTraining(false); // no LoRA dropout at inference

        Backend chosen = Backend.ENGINE;
        String reason = "the trainer's engine was requested";
        JlamaParityCheck.Report report = null;
        Path tmp = null;
        AbstractModel jl = null;
        KvBufferCache cache = null;
        if (b.backend != BackendChoice.ENGINE) {
            try {
                tmp = b.scratchParent == null ? Files.createTempDirectory("distillery-local-model")
                        : Files.createTempDirectory(b.scratchParent, "distillery-local-model");
                Path jlamaDir = modelDir;
                if (adapterDir != null) {
                    // Jlama reads safetensors from disk, so the merged weights go to a private model directory.
                    jlamaDir = tmp.resolve("merged");
                    ModelWriter.write(jlamaDir, config, served, modelDir);
                }
                Path work = Files.createDirectory(tmp.resolve("work"));
                jl = ModelSupport.loadModel(jlamaDir.toFile(), work.toFile(), DType.F32, DType.F32,
                        Optional.empty(), Optional.empty());
                report = JlamaParityCheck.check(jl, engine, jlamaDir, Math.min(b.parityProbeLength, engineMaxSeqLen), 1);
                if (report.passed()) {
                    chosen = Backend.JLAMA;
                    reason = report.describe();
                    cache = new KvBufferCache(jl);
                } else {
                    reason = report.describe();
                }
            } catch (IOException | RuntimeException | LinkageError e) {
                reason = "Jlama cannot load the model: " + e;
                if (b.backend == BackendChoice.JLAMA) {
                    cleanUp(jl, tmp);
                    throw new IllegalStateException(modelDir + ": " + reason, e);
                }
            }
            if (chosen != Backend.JLAMA) {
                cleanUp(jl, tmp);
                jl = null;
                tmp = null;
                if (b.backend == BackendChoice.JLAMA) {
                    throw new IllegalStateException(modelDir + ": Jlama was requested but " + reason);
                }
            }
        }
        this.backend = chosen;
        this.backendReason = reason;
        this.parity = report;
        this.scratch = tmp;
        this.jlama = jl;
        this.kvCache = cache;
        this.jlamaLogits = jl == null ? null : new JlamaLogits(jl);
        // Jlama 0.8.4 indexes its RoPE table with a head offset (bug 4): positions must stay below
        // context − 2·(kvHeads − 1), or it throws near the end of the context.
        this.maxPositions = chosen == Backend.JLAMA
                ? Math.max(2, config.maxPositionEmbeddings() - 2 * (config.numKvHeads() - 1))
                : engineMaxSeqLen;
        LOG.log(chosen == Backend.JLAMA || b.backend == BackendChoice.ENGINE ? System.Logger.Level.INFO
                        : System.Logger.Level.WARNING,
                "{0}{1}: generating with {2} because {3}", modelDir, adapterDir == null ? "" : " + " + adapterDir,
                chosen == Backend.JLAMA ? "Jlama" : "the trainer's engine", reason);
    }

    private static int[] stopIds(ModelConfig config, Tokenizer tokenizer, ChatTemplate template) {
        Set<Integer> ids = new LinkedHashSet<>(config.eosTokenIds());
        if (template != null && template.eosToken() != null && !template.eosToken().isEmpty()) {
            OptionalInt id = tokenizer.find(template.eosToken());
            id.ifPresent(ids::add);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void cleanUp(AbstractModel jl, Path tmp) {
        if (jl != null) jl.close();
        if (tmp != null) {
            try {
                FileTrees.delete(tmp);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete " + tmp + ": " + e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Public accessors
    // ------------------------------------------------------------------------------------------------------------

    public Backend backend() {
        return backend;
    }

    /** Why {@link #backend()} was chosen (the parity report's text, or the error that ruled Jlama out). */
    public String backendReason() {
        return backendReason;
    }

    /** The start-up parity check, when Jlama was tried. */
    public Optional<JlamaParityCheck.Report> parityReport() {
        return Optional.ofNullable(parity);
    }

    public Path modelDir() {
        return modelDir;
    }

    public Optional<Path> adapterDir() {
        return Optional.ofNullable(adapterDir);
    }

    /** A display name: the model directory's name, plus the adapter's. */
    public String name() {
        String n = String.valueOf(modelDir.getFileName());
        return adapterDir == null ? n : n + "+" + adapterDir.getFileName();
    }

    public ModelConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The chat template of {@code tokenizer_config.json}, if any. */
    public Optional<ChatTemplate> chatTemplate() {
        return Optional.ofNullable(template);
    }

    /** Token ids that end generation: config.json's {@code eos_token_id} plus the template's {@code eos_token}. */
    public int[] stopTokenIds() {
        return stopIds.clone();
    }

    /** Most positions (prompt + generated) one generation may use on the active backend. */
    public int maxGenerationPositions() {
        return maxPositions;
    }

    /** Longest token sequence the {@link Scorer} accepts. */
    public int maxScoringLength() {
        return engineMaxSeqLen;
    }

    /** The private temporary folder (Jlama's working directory, merged weights), if one exists. */
    public Optional<Path> scratchDirectory() {
        return Optional.ofNullable(scratch);
    }

    /** Releases Jlama, its KV buffers and the temporary folder. Waits for a forward pass in flight. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            if (kvCache != null) kvCache.close();
            cleanUp(jlama, scratch);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Forward passes for Generator and Scorer
    // ------------------------------------------------------------------------------------------------------------

    /** Renders a prompt to ids: a conversation goes through the chat template with the generation prompt. */
    int[] encode(Prompt prompt) {
        return switch (prompt) {
            case Prompt.Ids ids -> ids.ids().clone();
            case Prompt.Text text -> tokenizer.encode(text.text());
            case Prompt.Chat chat -> tokenizer.encode(requireTemplate().render(chat.conversation(), true));
        };
    }

    ChatTemplate requireTemplate() {
        if (template == null) {
            throw new IllegalStateException(modelDir + " has no chat_template in tokenizer_config.json");
        }
        return template;
    }

    /** Engine logits of every position of {@code ids}, {@code [T × V]}. */
    float[] engineLogits(int[] ids) {
        if (ids.length > engineMaxSeqLen) {
            throw new IllegalArgumentException(ids.length + " tokens exceed the engine's " + engineMaxSeqLen
                    + " (LocalModel.Builder.maxSequenceLength)");
        }
        int[] labels = new int[ids.length];
        Arrays.fill(labels, Batch.IGNORE);
        Batch batch = Batch.of(1, ids.length, ids, labels);
        lock.lock();
        try {
            ensureOpen();
            return engine.logits(batch, 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A decoding session on the active backend, able to hold {@code capacity} tokens (prompt plus generated); close
     * it to release its KV buffer.
     */
    Session openSession(int capacity) {
        return openSession(capacity, backend);
    }

    /**
     * A session on a chosen backend: the engine is always available (it is the ground truth the parity check
     * compares Jlama against), Jlama only when it is the active backend.
     */
    Session openSession(int capacity, Backend on) {
        ensureOpen();
        if (on == Backend.JLAMA) {
            if (backend != Backend.JLAMA) throw new IllegalStateException("Jlama is not active for " + name());
            return new JlamaSession();
        }
        return new EngineSession(Math.min(capacity, maxPositions));
    }

    /**
     * One decoding step for several sessions of this model: appends {@code tokens[i]} to {@code sessions.get(i)} and
     * returns each one's next-token logits. The engine decodes them together (one GEMM per weight for all rows);
     * Jlama decodes one sequence per forward, so its sessions step one after another. All sessions of one step run
     * on the same backend.
     */
    float[][] step(List<Session> sessions, int[] tokens) {
        float[][] out = new float[sessions.size()][];
        if (!sessions.isEmpty() && sessions.getFirst() instanceof JlamaSession) {
            for (int i = 0; i < out.length; i++) out[i] = sessions.get(i).append(tokens[i]);
            return out;
        }
        lock.lock();
        try {
            ensureOpen();
            for (int from = 0; from < out.length; from += DecodingModel.MAX_TOKENS_PER_PASS) {
                int to = Math.min(out.length, from + DecodingModel.MAX_TOKENS_PER_PASS);
                List<DecodingModel.Sequence> seqs = sessions.subList(from, to).stream()
                        .map(s -> ((EngineSession) s).sequence()).toList();
                float[][] part = decoder.decode(seqs, Arrays.copyOfRange(tokens, from, to));
                System.arraycopy(part, 0, out, from, part.length);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("model " + name() + " is closed");
    }

    /** Incremental decoding: each call returns the next-token logits after the tokens seen so far. */
    interface Session extends AutoCloseable {
        float[] prefill(int[] ids);

        float[] append(int token);

        @Override
        void close();
    }

    /** The engine's KV-cached decoder ({@link DecodingModel}): the same numbers as its training forward. */
    private final class EngineSession implements Session {
        private final DecodingModel.Sequence seq;

        EngineSession(int capacity) {
            this.seq = decoder.newSequence(capacity);
        }

        DecodingModel.Sequence sequence() {
            return seq;
        }

        @Override
        public float[] prefill(int[] prompt) {
            lock.lock();
            try {
                ensureOpen();
                return decoder.prefill(seq, prompt);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public float[] append(int token) {
            return step(List.of(this), new int[] {token})[0];
        }

        @Override
        public void close() {
            // The cache is an ordinary heap array: dropping the session frees it.
        }
    }

    private final class JlamaSession implements Session {
        private KvBufferCache.KvBuffer kv;
        private int pos;

        @Override
        public float[] prefill(int[] prompt) {
            if (prompt.length == 0) throw new IllegalArgumentException("empty prompt");
            lock.lock();
            try {
                ensureOpen();
                if (kv == null) kv = kvCache.getEphemeralKvBuffer();
                float[] logits = null;
                for (int from = 0; from < prompt.length; from += PREFILL_CHUNK) {
                    int[] chunk = Arrays.copyOfRange(prompt, from, Math.min(prompt.length, from + PREFILL_CHUNK));
                    AbstractTensor out = jlama.batchForward(chunk, from, kv);
                    try {
                        if (from + chunk.length == prompt.length) logits = jlamaLogits.logits(out.slice(chunk.length - 1));
                    } finally {
                        out.close();
                    }
                }
                pos = prompt.length;
                return logits;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public float[] append(int token) {
            lock.lock();
            try {
                ensureOpen();
                AbstractTensor h = jlama.forward(token, pos++, kv, Optional.empty());
                try {
                    return jlamaLogits.logits(h);
                } finally {
                    h.close();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (kv != null && !closed) kv.close();
                kv = null;
            } finally {
                lock.unlock();
            }
        }
    }
}
