package dev.distillery.judges.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * The trained part of the reward model: a weight vector w over the features of one embedder and layout. The
 * reward of a response is r = w·φ(prompt, response) and P(A ≻ B) = σ(r_A − r_B) = σ(w·(φ_A − φ_B)).
 *
 * <pre>{@code
 * head.save(Path.of("rm-head.json"));
 * BradleyTerryHead again = BradleyTerryHead.load(Path.of("rm-head.json"));
 * }</pre>
 *
 * <h2>No bias term</h2>
 * A Bradley-Terry preference must satisfy P(A ≻ B) = 1 − P(B ≻ A). With a logit f(A, B) = w·(φ_A − φ_B) + b that
 * means b = −b, so b = 0: a bias would only encode "the first answer wins", which is position bias, not quality.
 * For the same reason the usual "symmetrise the data by adding (−d, 0) for every (d, 1)" changes nothing here:
 * without an intercept the mirrored row has exactly the same loss, gradient and Hessian as the original.
 *
 * <h2>File</h2>
 * A small JSON object (≈ 10 KB for 384 weights):
 * <pre>
 * {"format":"distillery-bt-head","formatVersion":1,"embedder":"all-minilm-l6-v2","embeddingDimension":384,
 *  "features":"joint","dimension":384,"lambda":0.01,"weights":[...],
 *  "training":{"labelledPairs":8,"pseudoLabelledPairs":212,"iterations":7,"gradientNorm":1e-12,...}}
 * </pre>
 * Weights are written as the shortest decimal that reads back to the same double, so a saved and loaded head
 * scores bit-for-bit like the original.
 *
 * @param embedder           id of the embedder the weights belong to
 * @param embeddingDimension that embedder's output dimension
 * @param features           how (prompt, response) became features
 * @param weights            w, {@code features.dimension(embeddingDimension)} entries
 * @param lambda             the L2 penalty it was trained with
 * @param training           how it was trained
 */
public record BradleyTerryHead(String embedder, int embeddingDimension, FeatureLayout features, double[] weights,
                               double lambda, TrainingStats training) {

    /** Written as {@code format}; anything else is not a head file. */
    public static final String FORMAT = "distillery-bt-head";
    public static final int FORMAT_VERSION = 1;

    public BradleyTerryHead {
        Objects.requireNonNull(embedder, "embedder");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(training, "training");
        weights = weights.clone();
        if (weights.length != features.dimension(embeddingDimension)) {
            throw new IllegalArgumentException("a " + features.id() + " head over " + embeddingDimension
                    + "-d embeddings needs " + features.dimension(embeddingDimension) + " weights, got " + weights.length);
        }
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    /** r = w·φ: the reward of one (prompt, response), comparable only between responses to the same prompt. */
    public double reward(double[] phi) {
        checkLength(phi);
        return LogisticNewton.dot(weights, phi);
    }

    /** P(A ≻ B) = σ(w·(φ_A − φ_B)). */
    public double preference(double[] phiA, double[] phiB) {
        checkLength(phiA);
        checkLength(phiB);
        double margin = 0;
        for (int j = 0; j < weights.length; j++) margin += weights[j] * (phiA[j] - phiB[j]);
        return LogisticNewton.sigmoid(margin);
    }

    private void checkLength(double[] phi) {
        if (phi.length != weights.length) {
            throw new IllegalArgumentException("feature vector has " + phi.length + " entries, head expects " + weights.length);
        }
    }

    /** Writes the head as JSON, atomically (a temporary file moved into place). */
    public void save(Path file) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("formatVersion", FORMAT_VERSION);
        root.put("embedder", embedder);
        root.put("embeddingDimension", embeddingDimension);
        root.put("features", features.id());
        root.put("dimension", weights.length);
        root.put("lambda", lambda);
        ArrayNode w = root.putArray("weights");
        for (double x : weights) w.add(x);
        root.set("training", Json.MAPPER.valueToTree(training));
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HeadFileException(file, null, "cannot write head file: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a head file written by {@link #save}. Every field is checked; a problem throws a
     * {@link HeadFileException} naming the file and the field.
     */
    public static BradleyTerryHead load(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new HeadFileException(file, null, "no such head file");
        } catch (IOException e) {
            throw new HeadFileException(file, null, "not a readable JSON head file: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new HeadFileException(file, null, "expected a JSON object");
        String format = text(file, root, "format");
        if (!FORMAT.equals(format)) {
            throw new HeadFileException(file, "format", "expected \"" + FORMAT + "\", found \"" + format + "\"");
        }
        int version = integer(file, root, "formatVersion");
        if (version != FORMAT_VERSION) {
            throw new HeadFileException(file, "formatVersion", "this Distillery reads version " + FORMAT_VERSION
                    + ", the file has version " + version);
        }
        String embedder = text(file, root, "embedder");
        int embeddingDimension = integer(file, root, "embeddingDimension");
        if (embeddingDimension < 1) {
            throw new HeadFileException(file, "embeddingDimension", "must be >= 1, found " + embeddingDimension);
        }
        FeatureLayout features;
        try {
            features = FeatureLayout.ofId(text(file, root, "features"));
        } catch (IllegalArgumentException e) {
            throw new HeadFileException(file, "features", e.getMessage());
        }
        int dimension = integer(file, root, "dimension");
        if (dimension != features.dimension(embeddingDimension)) {
            throw new HeadFileException(file, "dimension", "a " + features.id() + " head over " + embeddingDimension
                    + "-d embeddings has " + features.dimension(embeddingDimension) + " weights, the file says " + dimension);
        }
        double lambda = number(file, root, "lambda");
        JsonNode w = root.get("weights");
        if (w == null || !w.isArray()) throw new HeadFileException(file, "weights", "missing or not an array");
        if (w.size() != dimension) {
            throw new HeadFileException(file, "weights", "has " + w.size() + " entries, dimension is " + dimension);
        }
        double[] weights = new double[dimension];
        for (int j = 0; j < dimension; j++) {
            JsonNode x = w.get(j);
            if (!x.isNumber() || !Double.isFinite(x.doubleValue())) {
                throw new HeadFileException(file, "weights[" + j + "]", "expected a finite number, found " + x);
            }
            weights[j] = x.doubleValue();
        }
        JsonNode t = root.get("training");
        if (t == null || !t.isObject()) throw new HeadFileException(file, "training", "missing or not an object");
        TrainingStats training;
        try {
            training = Json.MAPPER.treeToValue(t, TrainingStats.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new HeadFileException(file, "training", e.getMessage(), e);
        }
        return new BradleyTerryHead(embedder, embeddingDimension, features, weights, lambda, training);
    }

    private static JsonNode field(Path file, JsonNode root, String name) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) throw new HeadFileException(file, name, "missing");
        return n;
    }

    private static String text(Path file, JsonNode root, String name) {
        JsonNode n = field(file, root, name);
        if (!n.isTextual()) throw new HeadFileException(file, name, "expected a string, found " + n);
        return n.textValue();
    }

    private static int integer(Path file, JsonNode root, String name) {
        JsonNode n = field(file, root, name);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new HeadFileException(file, name, "expected an integer, found " + n);
        }
        return n.intValue();
    }

    private static double number(Path file, JsonNode root, String name) {
        JsonNode n = field(file, root, name);
        if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
            throw new HeadFileException(file, name, "expected a finite number, found " + n);
        }
        return n.doubleValue();
    }
}
