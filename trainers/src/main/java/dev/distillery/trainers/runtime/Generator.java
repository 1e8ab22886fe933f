package dev.distillery.trainers.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Text generation on a {@link LocalModel}: greedy or seeded sampling (temperature, top-k, top-p), stop tokens and stop
 * strings, several samples per prompt, per-token ids and log-probabilities.
 *
 * <pre>{@code
 * Generator g = new Generator(model);
 * GenerationResult r = g.generate(GenerationRequest.builder(Prompt.chat(conversation)).maxNewTokens(64).build());
 * }</pre>
 *
 * <p>Sampling uses its own {@link SplittableRandom}: sample {@code i} of a request with seed {@code s} draws from a
 * generator seeded by {@code s} and {@code i} only, so results reproduce across runs, backends with equal logits and
 * values of {@code n}. On Jlama each sample prefills the prompt once ({@code batchForward}) and decodes token by
 * token ({@code forward}) on its own in-memory KV buffer; on the engine backend every token re-runs the full forward.
 * Stateless and thread-safe: the model serializes the forward passes.
 */
public final class Generator {

    /** Receives text as it is generated, for streaming. Called on the generating thread. */
    @FunctionalInterface
    public interface TokenListener {
        /**
         * @param sample    which sample (0 .. n−1)
         * @param tokenId   the token just generated
         * @param textDelta text that became final with it (possibly empty: incomplete UTF-8, or text held back
         *                  because it could be the start of a stop string)
         */
        void onToken(int sample, int tokenId, String textDelta);
    }

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final LocalModel model;

    public Generator(LocalModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    public GenerationResult generate(GenerationRequest request) {
        return generate(request, null);
    }

    public GenerationResult generate(GenerationRequest request, TokenListener listener) {
        int[] prompt = model.encode(request.prompt());
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt has no tokens");
        if (prompt.length > model.maxGenerationPositions()) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens exceeds the "
                    + model.maxGenerationPositions() + " positions the " + model.backend() + " backend allows");
        }
        long seed = request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong();
        List<GenerationResult.Sample> samples = new ArrayList<>(request.n());
        for (int i = 0; i < request.n(); i++) {
            SplittableRandom rng = new SplittableRandom(seed + GOLDEN_GAMMA * i);
            samples.add(generateOne(prompt, request, rng, i, listener));
        }
        return new GenerationResult(samples, prompt, seed, model.backend());
    }

    private GenerationResult.Sample generateOne(int[] prompt, GenerationRequest r, SplittableRandom rng, int index,
                                                TokenListener listener) {
        int[] stopIds = model.stopTokenIds();
        int maxStop = r.stopStrings().stream().mapToInt(String::length).max().orElse(0);
        int[] ids = new int[Math.min(r.maxNewTokens(), 64)];
        double[] lps = new double[ids.length];
        int count = 0;
        GenerationResult.FinishReason finish = GenerationResult.FinishReason.LENGTH;
        String text = "";
        int emitted = 0;
        if (r.maxNewTokens() > 0) {
            try (LocalModel.Session session = model.openSession()) {
                float[] logits = session.prefill(prompt);
                while (true) {
                    int token = Sampling.sample(logits, r.temperature(), r.topK(), r.topP(), rng);
                    double lp = logits[token] - Sampling.logSumExp(logits, 0, logits.length);
                    if (count == ids.length) {
                        ids = Arrays.copyOf(ids, Math.min(r.maxNewTokens(), 2 * count));
                        lps = Arrays.copyOf(lps, ids.length);
                    }
                    ids[count] = token;
                    lps[count++] = lp;
                    boolean stopToken = contains(stopIds, token);
                    String full = model.tokenizer().decode(Arrays.copyOf(ids, stopToken ? count - 1 : count), true);
                    int cut = firstStop(full, r.stopStrings());
                    String stable;
                    if (stopToken) {
                        finish = GenerationResult.FinishReason.STOP;
                    } else if (cut >= 0) {
                        finish = GenerationResult.FinishReason.STOP_STRING;
                        full = full.substring(0, cut);
                    }
                    boolean done = stopToken || cut >= 0 || count == r.maxNewTokens()
                            || prompt.length + count > model.maxGenerationPositions();
                    text = full;
                    if (listener != null) {
                        stable = done ? full : stablePrefix(full, maxStop);
                        // Everything emitted so far was stable, so it is a prefix of the new stable text.
                        String delta = stable.length() > emitted ? stable.substring(emitted) : "";
                        emitted += delta.length();
                        listener.onToken(index, token, delta);
                    }
                    if (done) break;
                    // Appending places the token at position prompt.length + count − 1, which must stay in range.
                    logits = session.append(token);
                }
            }
        }
        return new GenerationResult.Sample(text, Arrays.copyOf(ids, count), Arrays.copyOf(lps, count), finish,
                prompt.length, count);
    }

    /** Text that can no longer change: no trailing partial UTF-8 character, no possible start of a stop string. */
    private static String stablePrefix(String text, int maxStop) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\uFFFD') end--;
        end = Math.max(0, end - Math.max(0, maxStop - 1));
        return text.substring(0, end);
    }

    private static int firstStop(String text, List<String> stops) {
        int best = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }
}
