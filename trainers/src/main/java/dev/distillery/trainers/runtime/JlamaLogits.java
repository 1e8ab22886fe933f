package dev.distillery.trainers.runtime;

import com.github.tjake.jlama.math.VectorMath;
import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.functions.SampleOutput;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.operations.TensorOperationsProvider;

import java.lang.reflect.Field;
import java.nio.ByteOrder;

/**
 * Raw next-token logits from a Jlama hidden state. {@code AbstractModel.getLogits} returns softmax probabilities in
 * float, where tail tokens underflow to 0 (log-prob −∞) and log-probs lose precision; the final norm and the LM head
 * are only reachable through the protected {@code sampleOutput} field, so this reads it reflectively (Jlama sits on
 * the class path, so access is allowed) and falls back to {@code log(getLogits)} when that fails.
 */
final class JlamaLogits {

    private static final System.Logger LOG = System.getLogger(JlamaLogits.class.getName());
    private static final Field SAMPLE_OUTPUT = sampleOutputField();

    private final AbstractModel model;
    private final SampleOutput output;
    private final int hidden;
    private final int vocab;

    JlamaLogits(AbstractModel model) {
        this.model = model;
        this.hidden = model.getConfig().embeddingLength;
        this.vocab = model.getConfig().vocabularySize;
        SampleOutput so = null;
        if (SAMPLE_OUTPUT != null) {
            try {
                so = (SampleOutput) SAMPLE_OUTPUT.get(model);
            } catch (IllegalAccessException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot read Jlama's output layer; log-probs come from float "
                        + "probabilities: " + e);
            }
        }
        this.output = so;
    }

    /** Whether logits are exact (true) or reconstructed as log of Jlama's float probabilities (false). */
    boolean raw() {
        return output != null;
    }

    /**
     * Logits (or, without access to the output layer, log-probabilities, which give the same log-softmax) for the
     * hidden state {@code h} of one position ({@code [1, hidden]}).
     */
    float[] logits(AbstractTensor h) {
        if (output == null) {
            float[] p = model.getLogits(h);
            for (int i = 0; i < p.length; i++) p[i] = (float) Math.log(p[i]);
            return p;
        }
        // The same steps as AbstractModel.getLogits, without the softmax.
        try (AbstractTensor normed = output.getOutputLayerNorm().forward(h);
             AbstractTensor logits = model.makeDenseTensor(1, vocab)) {
            AbstractTensor weights = output.getOutputLogitsWeights();
            VectorMath.pchunk(0, vocab, (start, size) -> TensorOperationsProvider.get()
                    .dotProductChunk(logits, normed, weights, 0, hidden, start, size));
            float[] out = new float[vocab];
            logits.getMemorySegment().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }

    private static Field sampleOutputField() {
        try {
            Field f = AbstractModel.class.getDeclaredField("sampleOutput");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Jlama's output layer is not accessible (" + e + "); log-probs come "
                    + "from float probabilities");
            return null;
        }
    }
}
