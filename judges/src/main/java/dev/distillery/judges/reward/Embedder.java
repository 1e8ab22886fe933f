package dev.distillery.judges.reward;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A LangChain4j {@link EmbeddingModel} with the identity that head files record, returning unit-length vectors.
 * The reward model and semantic dedup only ever talk to the {@code EmbeddingModel} interface; the in-process
 * all-MiniLM-L6-v2 (ONNX inside its jar, offline) is the default.
 *
 * <pre>{@code Embedder e = Embedder.miniLm(); float[][] v = e.embed(List.of("hello", "world"));}</pre>
 *
 * @param id    stable name of the embedder, stored in head files and checked on load
 * @param model the model
 */
public record Embedder(String id, EmbeddingModel model) {

    /** The id of the default embedder. */
    public static final String MINI_LM_ID = "all-minilm-l6-v2";

    private static final class Default {
        // Loading the ONNX model costs about a second and ~90 MB, so it happens once, on first use.
        static final Embedder INSTANCE = new Embedder(MINI_LM_ID, new AllMiniLmL6V2EmbeddingModel());
    }

    public Embedder {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        if (id.isBlank()) throw new IllegalArgumentException("embedder id must not be blank");
    }

    /** The shared in-process all-MiniLM-L6-v2 (384 dimensions). */
    public static Embedder miniLm() {
        return Default.INSTANCE;
    }

    public int dimension() {
        return model.dimension();
    }

    /** Unit-length embeddings of {@code texts}, in order; embeds in batches of 64 texts. Blank texts are an error. */
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += Featurizer.BATCH) {
            int to = Math.min(texts.size(), from + Featurizer.BATCH);
            List<TextSegment> segments = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                String text = texts.get(i);
                // LangChain4j refuses blank segments; say which text it was instead of its generic message.
                if (text == null || text.isBlank()) {
                    throw new IllegalArgumentException("text " + i + " is blank; embedder " + id + " cannot embed it");
                }
                segments.add(TextSegment.from(text));
            }
            List<Embedding> embeddings = model.embedAll(segments).content();
            if (embeddings.size() != to - from) {
                throw new IllegalStateException("embedder " + id + " returned " + embeddings.size()
                        + " embeddings for " + (to - from) + " texts");
            }
            for (int i = from; i < to; i++) out[i] = unit(embeddings.get(i - from).vector(), i);
        }
        return out;
    }

    private float[] unit(float[] v, int index) {
        double norm = 0;
        for (float x : v) norm += (double) x * x;
        if (!(norm > 0) || Double.isInfinite(norm)) {
            throw new IllegalStateException("embedder " + id + " returned a zero or non-finite vector for text " + index);
        }
        float inv = (float) (1 / Math.sqrt(norm));
        float[] u = new float[v.length];
        for (int j = 0; j < v.length; j++) u[j] = v[j] * inv;
        return u;
    }
}
