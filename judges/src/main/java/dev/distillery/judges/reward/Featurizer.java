package dev.distillery.judges.reward;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns (prompt, response) pairs into feature vectors for the Bradley-Terry head: embeds each distinct text once
 * per call, in batches, then assembles the {@link FeatureLayout}. Embeddings arrive unit-length from {@link Embedder}
 * (MiniLM already returns unit vectors; other embedders may not), so cosines are dot products.
 *
 * <pre>{@code double[][] phi = new Featurizer(Embedder.miniLm(), FeatureLayout.JOINT).features(items);}</pre>
 *
 * Thread-safe when the embedding model is.
 */
public final class Featurizer {

    /** Texts per {@code embedAll} call: large enough for the ONNX runtime to batch, small enough to bound memory. */
    static final int BATCH = 64;

    private final Embedder embedder;
    private final FeatureLayout layout;

    public Featurizer(Embedder embedder, FeatureLayout layout) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.layout = Objects.requireNonNull(layout, "layout");
    }

    public Embedder embedder() {
        return embedder;
    }

    public FeatureLayout layout() {
        return layout;
    }

    /** Feature count of every vector this featurizer returns. */
    public int dimension() {
        return layout.dimension(embedder.dimension());
    }

    /** φ(prompt, response) for each item, in order. */
    public double[][] features(List<PromptResponse> items) {
        List<String> texts = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        int[][] refs = new int[items.size()][];
        for (int i = 0; i < items.size(); i++) {
            PromptResponse item = items.get(i);
            refs[i] = switch (layout) {
                case JOINT -> new int[] {slot(joint(item), texts, index)};
                case RESPONSE_AND_INTERACTION ->
                        new int[] {slot(item.response(), texts, index), slot(item.prompt(), texts, index)};
            };
        }
        float[][] vectors = embedder.embed(texts);
        int dim = embedder.dimension();
        double scale = Math.sqrt(dim);
        double[][] out = new double[items.size()][];
        for (int i = 0; i < items.size(); i++) {
            double[] f = new double[dimension()];
            float[] r = vectors[refs[i][0]];
            for (int j = 0; j < dim; j++) f[j] = r[j];
            if (layout == FeatureLayout.RESPONSE_AND_INTERACTION) {
                float[] p = vectors[refs[i][1]];
                for (int j = 0; j < dim; j++) f[dim + j] = scale * p[j] * r[j];
            }
            out[i] = f;
        }
        return out;
    }

    /** The text the JOINT layout embeds. */
    static String joint(PromptResponse item) {
        return item.prompt() + "\n\n" + item.response();
    }

    private static int slot(String text, List<String> texts, Map<String, Integer> index) {
        return index.computeIfAbsent(text, t -> {
            texts.add(t);
            return texts.size() - 1;
        });
    }

    /** φ_a − φ_b, the row the head sees for "a preferred to b". */
    static double[] difference(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int j = 0; j < a.length; j++) d[j] = a[j] - b[j];
        return d;
    }
}
