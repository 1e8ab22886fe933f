package dev.distillery.judges.reward;

import dev.distillery.judges.spi.PairInput;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A local reward model: sentence embeddings of (prompt, response) and a linear Bradley-Terry head on top. Scores
 * thousands of pairs a second on a CPU, with no model server; a weak judge (topic, relevance, refusal style,
 * format) that is best used as a cheap pre-filter or tie-breaker, and measured with a report card before it gates
 * data. See {@code docs/reward-model.md}.
 *
 * <pre>{@code
 * RewardModel rm = RewardModelTrainer.builder().build().train(labelledPairs);
 * double p = rm.preference("How do I boil an egg?", "Simmer it for nine minutes.", "Paris is in France.");
 * rm.save(Path.of("rm-head.json"));
 * RewardModel again = RewardModel.load(Path.of("rm-head.json"));   // uses all-MiniLM-L6-v2
 * }</pre>
 *
 * Thread-safe when the embedding model is.
 */
public final class RewardModel {

    private final BradleyTerryHead head;
    private final Featurizer featurizer;

    /** Pairs a head with the embedder it was trained on; the embedder's id and dimension must match the head's. */
    public RewardModel(BradleyTerryHead head, Embedder embedder) {
        this.head = Objects.requireNonNull(head, "head");
        Objects.requireNonNull(embedder, "embedder");
        if (!head.embedder().equals(embedder.id())) {
            throw new IllegalArgumentException("the head was trained on embedder '" + head.embedder()
                    + "' but the embedder given is '" + embedder.id() + "'");
        }
        if (head.embeddingDimension() != embedder.dimension()) {
            throw new IllegalArgumentException("the head expects " + head.embeddingDimension()
                    + "-d embeddings but embedder '" + embedder.id() + "' produces " + embedder.dimension());
        }
        this.featurizer = new Featurizer(embedder, head.features());
    }

    /** Loads a head file for the default embedder, all-MiniLM-L6-v2. */
    public static RewardModel load(Path file) {
        return load(file, Embedder.miniLm());
    }

    /**
     * Loads a head file for {@code embedder}; a head trained on another embedder or dimension is a
     * {@link HeadFileException} naming the file and field.
     */
    public static RewardModel load(Path file, Embedder embedder) {
        BradleyTerryHead head = BradleyTerryHead.load(file);
        if (!head.embedder().equals(embedder.id())) {
            throw new HeadFileException(file, "embedder", "the head was trained on '" + head.embedder()
                    + "' but is being loaded for '" + embedder.id() + "'");
        }
        if (head.embeddingDimension() != embedder.dimension()) {
            throw new HeadFileException(file, "embeddingDimension", "the head expects " + head.embeddingDimension()
                    + "-d embeddings but embedder '" + embedder.id() + "' produces " + embedder.dimension());
        }
        return new RewardModel(head, embedder);
    }

    public void save(Path file) {
        head.save(file);
    }

    public BradleyTerryHead head() {
        return head;
    }

    public Featurizer featurizer() {
        return featurizer;
    }

    /** The reward r(prompt, response); only differences between responses to the same prompt mean anything. */
    public double reward(String prompt, String response) {
        return rewards(List.of(new PromptResponse(prompt, response)))[0];
    }

    /** Rewards for many items, embedded in batches. */
    public double[] rewards(List<PromptResponse> items) {
        double[][] phi = featurizer.features(items);
        double[] r = new double[phi.length];
        for (int i = 0; i < phi.length; i++) r[i] = head.reward(phi[i]);
        return r;
    }

    /** P(first ≻ second) as answers to {@code prompt}. */
    public double preference(String prompt, String first, String second) {
        return preferences(List.of(new PairInput(prompt, first, second, null)))[0];
    }

    /**
     * P(first ≻ second) for each pair, embedded in batches (each distinct text once). The head is antisymmetric,
     * so the probability is the same whichever order the pair is presented in: no position bias by construction.
     */
    public double[] preferences(List<PairInput> pairs) {
        List<PromptResponse> items = new ArrayList<>(2 * pairs.size());
        for (PairInput p : pairs) {
            items.add(new PromptResponse(p.prompt(), p.first()));
            items.add(new PromptResponse(p.prompt(), p.second()));
        }
        double[][] phi = featurizer.features(items);
        double[] out = new double[pairs.size()];
        for (int i = 0; i < out.length; i++) out[i] = head.preference(phi[2 * i], phi[2 * i + 1]);
        return out;
    }

    /** This model as a {@link dev.distillery.judges.spi.PairwiseJudge} named {@code name}. */
    public RewardModelJudge asJudge(String name, double tieMargin) {
        return new RewardModelJudge(name, this, tieMargin);
    }
}
