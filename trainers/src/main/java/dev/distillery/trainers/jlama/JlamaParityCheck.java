package dev.distillery.trainers.jlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.TrainingModel;
import dev.distillery.trainers.io.FileTrees;
import dev.distillery.trainers.io.LoadedModel;
import dev.distillery.trainers.io.ModelLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Checks that Jlama's inference and the trainer's own forward agree on a model: the next-token probabilities of a
 * probe sequence, computed by Jlama (batched prefill and token-by-token decoding) and by the trainer, must differ by
 * at most {@link #TOLERANCE}. Jlama 0.8.4 has kernel bugs that give wrong logits for some shapes (jlama-notes §6:
 * row splitting, GEMM tiling); they show up here as differences of 0.1 to 1, so callers refuse to trust Jlama's
 * numbers for that model instead of silently using them.
 *
 * <pre>{@code
 * JlamaParityCheck.Report r = JlamaParityCheck.run(Path.of("models/tiny"), 17, 1);
 * if (!r.passed()) throw new IllegalStateException(r.describe());
 * }</pre>
 */
public final class JlamaParityCheck {

    /** Matches are 1e-7 to 2.5e-5 in probability; the known bugs give 0.1 to 1. */
    public static final double TOLERANCE = 1e-4;

    /**
     * @param maxBatchedDiff     max |Δp| between the trainer and Jlama's batched prefill
     * @param maxIncrementalDiff max |Δp| between the trainer and Jlama decoding one token at a time
     * @param positions          probe length
     */
    public record Report(Path model, double maxBatchedDiff, double maxIncrementalDiff, int positions) {
        public boolean passed() {
            return maxBatchedDiff <= TOLERANCE && maxIncrementalDiff <= TOLERANCE;
        }

        public String describe() {
            String verdict = passed() ? "Jlama agrees with the trainer" : "Jlama DISAGREES with the trainer";
            String hint = passed() ? "" : (maxIncrementalDiff <= TOLERANCE
                    ? " Batched prefill is wrong but decoding is right: the signature of Jlama 0.8.4's native GEMM bug"
                    + " (jlama-notes §6, bug 3); run with -Djlama.force_panama_tensor_operations=true."
                    : " Probably Jlama 0.8.4's row-splitting bug (jlama-notes §6, bug 1): output dimensions (hidden,"
                    + " intermediate, vocab, KV width) should be multiples of 128 or at most 128.");
            return String.format("%s on %s: max |Δp| %.2e batched, %.2e incremental over %d positions (tolerance %.0e).%s",
                    verdict, model, maxBatchedDiff, maxIncrementalDiff, positions, TOLERANCE, hint);
        }
    }

    private JlamaParityCheck() {
    }

    /**
     * Runs the check on a random probe of {@code length} tokens drawn with {@code seed}, loading both engines from
     * {@code modelDir}. Jlama's working directory is a private temporary folder, deleted before returning (Jlama's
     * default one, a Guava temp dir, would be left behind).
     */
    public static Report run(Path modelDir, int length, long seed) {
        LoadedModel ours;
        try {
            ours = ModelLoader.load(modelDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        TrainingModel engine = TrainingModel.full(ours.weights(), 1, length);
        Path work = null;
        try {
            work = Files.createTempDirectory("distillery-jlama-check");
            AbstractModel jlama = ModelSupport.loadModel(modelDir.toFile(), work.toFile(), DType.F32, DType.F32,
                    Optional.empty(), Optional.empty());
            try {
                return check(jlama, engine, modelDir, length, seed);
            } finally {
                jlama.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } finally {
            if (work != null) {
                try {
                    FileTrees.delete(work);
                } catch (IOException ignored) {
                    // an empty temp folder; nothing else to do
                }
            }
        }
    }

    /**
     * Runs the check on models the caller already holds: {@code jlama} must serve the same weights as {@code engine}
     * (for a LoRA engine, Jlama serves the merged weights). The engine needs room for one row of {@code length}
     * tokens; its training flag is restored afterwards.
     */
    public static Report check(AbstractModel jlama, TrainingModel engine, Path model, int length, long seed) {
        int vocab = engine.config().vocabSize();
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[length];
        // Byte tokens and merges only: reserved padding tokens are never seen in text.
        for (int i = 0; i < length; i++) ids[i] = r.nextInt(Math.min(vocab, 256));

        int[] labels = new int[length];
        java.util.Arrays.fill(labels, Batch.IGNORE);
        float[] expected = softmaxRows(engine.logits(Batch.of(1, length, ids, labels), 0), length, vocab);

        try (KvBufferCache cache = new KvBufferCache(jlama)) {
            double batched;
            try (KvBufferCache.KvBuffer kv = cache.getEphemeralKvBuffer()) {
                AbstractTensor out = jlama.batchForward(ids, 0, kv);
                batched = 0;
                for (int t = 0; t < length; t++) {
                    batched = Math.max(batched, maxDiff(jlama.getLogits(out.slice(t)), expected, t * vocab, vocab));
                }
                out.close();
            }
            double incremental = 0;
            try (KvBufferCache.KvBuffer kv = cache.getEphemeralKvBuffer()) {
                for (int t = 0; t < length; t++) {
                    AbstractTensor h = jlama.forward(ids[t], t, kv, Optional.empty());
                    incremental = Math.max(incremental, maxDiff(jlama.getLogits(h), expected, t * vocab, vocab));
                    h.close();
                }
            }
            return new Report(model, batched, incremental, length);
        }
    }

    private static double maxDiff(float[] jlamaProbs, float[] expected, int off, int vocab) {
        double max = 0;
        for (int i = 0; i < vocab; i++) max = Math.max(max, Math.abs(jlamaProbs[i] - expected[off + i]));
        return max;
    }

    private static float[] softmaxRows(float[] logits, int rows, int vocab) {
        float[] p = new float[logits.length];
        for (int t = 0; t < rows; t++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < vocab; i++) max = Math.max(max, logits[t * vocab + i]);
            double sum = 0;
            for (int i = 0; i < vocab; i++) sum += Math.exp(logits[t * vocab + i] - max);
            for (int i = 0; i < vocab; i++) p[t * vocab + i] = (float) (Math.exp(logits[t * vocab + i] - max) / sum);
        }
        return p;
    }
}
