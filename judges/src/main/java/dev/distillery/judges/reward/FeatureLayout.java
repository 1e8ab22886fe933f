package dev.distillery.judges.reward;

/**
 * How a (prompt, response) becomes the feature vector φ the Bradley-Terry head weighs. Only differences
 * φ(prompt, A) − φ(prompt, B) reach the head, so anything that depends on the prompt alone cancels out.
 *
 * <pre>{@code RewardModelTrainer.builder().features(FeatureLayout.RESPONSE_AND_INTERACTION)}</pre>
 */
public enum FeatureLayout {

    /**
     * One embedding of {@code prompt + "\n\n" + response}: D features. Two embedder calls per pair. The joint text
     * lets the encoder see both sides, but a linear head over it can only reward directions in embedding space
     * ("answers that sound like cooking"), not a relation between prompt and answer, so it cannot learn
     * "answers the question that was asked" across topics.
     */
    JOINT("joint"),

    /**
     * {@code [φ(r), √D · φ(p) ⊙ φ(r)]} with φ the unit-norm embedding of prompt p and response r alone: 2D features.
     * The element-wise product block makes relevance linear: a head with equal weights on it scores the cosine
     * cos(p, r), so "on topic beats off topic" is learnable for prompts and topics never seen in training. The
     * √D factor brings the product block (entries ≈ 1/D) to the scale of the response block (entries ≈ 1/√D),
     * so one L2 penalty treats both alike. Three embedder calls per pair (the prompt once), and every text is
     * embedded alone, so a prompt shared by many pairs is embedded once.
     */
    RESPONSE_AND_INTERACTION("response+interaction");

    private final String id;

    FeatureLayout(String id) {
        this.id = id;
    }

    /** The name written to head files. */
    public String id() {
        return id;
    }

    /** Feature count for an embedder of dimension {@code embeddingDimension}. */
    public int dimension(int embeddingDimension) {
        return this == JOINT ? embeddingDimension : 2 * embeddingDimension;
    }

    /** The layout named {@code id} in a head file. */
    public static FeatureLayout ofId(String id) {
        for (FeatureLayout l : values()) {
            if (l.id.equals(id)) return l;
        }
        throw new IllegalArgumentException("unknown feature layout '" + id + "'; known: joint, response+interaction");
    }
}
