package dev.distillery.trainers.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Text generation on a {@link LocalModel}: greedy or seeded sampling (temperature, top-k, top-p), stop tokens and stop
 * strings, several samples per prompt, per-token ids and log-probabilities, and batched decoding of many sequences.
 *
 * <pre>{@code
 * Generator g = new Generator(model);
 * GenerationResult r = g.generate(GenerationRequest.builder(Prompt.chat(conversation)).maxNewTokens(64).build());
 * List<GenerationResult> all = g.generateAll(requests);   // every sample of every request, decoded in batches
 * }</pre>
 *
 * <p><b>Batching.</b> Samples are decoded in lockstep, up to {@link #batchSize()} sequences per step; when one
 * finishes, the next waiting sample is prefilled and joins (continuous batching). A step is one forward of the
 * engine's KV-cached decoder for all rows, so several sequences decode on the engine even when Jlama is the model's
 * backend: Jlama runs one sequence per forward, and eight rows per step on the engine measured 2.9x Jlama's
 * throughput (docs/benchmarks.md). A single sequence decodes on the model's backend.
 *
 * <p><b>Reproducibility.</b> Sampling uses its own {@link SplittableRandom}: sample {@code i} of a request with seed
 * {@code s} draws from a generator seeded by {@code s} and {@code i} only, and on the engine a row's logits do not
 * depend on its batch mates (bit for bit), so results reproduce across runs, batch sizes and values of {@code n} on
 * one backend; across backends they agree within the parity check's tolerance. Stateless and thread-safe: the model
 * serializes the forward passes.
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

    /** Sequences decoded together by default: enough to turn decoding into GEMMs, small enough for the KV caches. */
    public static final int DEFAULT_BATCH_SIZE = 8;

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final LocalModel model;
    private final int batchSize;

    public Generator(LocalModel model) {
        this(model, DEFAULT_BATCH_SIZE);
    }

    /** A generator decoding at most {@code batchSize} sequences per step (1 decodes samples one after another). */
    public Generator(LocalModel model, int batchSize) {
        this.model = Objects.requireNonNull(model, "model");
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        this.batchSize = batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    public GenerationResult generate(GenerationRequest request) {
        return generate(request, null);
    }

    public GenerationResult generate(GenerationRequest request, TokenListener listener) {
        return run(List.of(request), listener).get(0);
    }

    /** Generates every request's samples, decoding up to {@link #batchSize()} sequences per step; results in order. */
    public List<GenerationResult> generateAll(List<GenerationRequest> requests) {
        return run(requests, null);
    }

    private List<GenerationResult> run(List<GenerationRequest> requests, TokenListener listener) {
        int[][] prompts = new int[requests.size()][];
        long[] seeds = new long[requests.size()];
        Deque<SampleState> waiting = new ArrayDeque<>();
        List<List<SampleState>> byRequest = new ArrayList<>();
        // Validate every prompt before decoding anything: a bad request late in a batch must not waste the rest.
        for (int r = 0; r < requests.size(); r++) {
            GenerationRequest req = requests.get(r);
            int[] prompt = model.encode(req.prompt());
            String which = requests.size() == 1 ? "the prompt" : "prompt " + r;
            if (prompt.length == 0) throw new IllegalArgumentException(which + " has no tokens");
            if (prompt.length > model.maxGenerationPositions()) {
                throw new IllegalArgumentException(which + " of " + prompt.length + " tokens exceeds the "
                        + model.maxGenerationPositions() + " positions the " + model.backend() + " backend allows");
            }
            prompts[r] = prompt;
            seeds[r] = req.seed() != null ? req.seed() : ThreadLocalRandom.current().nextLong();
            List<SampleState> states = new ArrayList<>(req.n());
            for (int i = 0; i < req.n(); i++) {
                SampleState s = new SampleState(req, prompt, new SplittableRandom(seeds[r] + GOLDEN_GAMMA * i), i,
                        listener);
                states.add(s);
                if (req.maxNewTokens() > 0) waiting.add(s);
            }
            byRequest.add(states);
        }

        int total = byRequest.stream().mapToInt(List::size).sum();
        LocalModel.Backend decodeOn = Math.min(batchSize, total) >= 2 ? LocalModel.Backend.ENGINE : model.backend();
        List<SampleState> active = new ArrayList<>(batchSize);
        try {
            while (!waiting.isEmpty() || !active.isEmpty()) {
                while (active.size() < batchSize && !waiting.isEmpty()) {
                    SampleState s = waiting.poll();
                    s.session = model.openSession(s.prompt.length + s.request.maxNewTokens(), decodeOn);
                    if (s.accept(s.session.prefill(s.prompt))) s.finish();
                    else active.add(s);
                }
                if (active.isEmpty()) continue;
                int[] tokens = new int[active.size()];
                List<LocalModel.Session> sessions = new ArrayList<>(active.size());
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = active.get(i).lastToken();
                    sessions.add(active.get(i).session);
                }
                float[][] logits = model.step(sessions, tokens);
                List<SampleState> still = new ArrayList<>(active.size());
                for (int i = 0; i < logits.length; i++) {
                    SampleState s = active.get(i);
                    if (s.accept(logits[i])) s.finish();
                    else still.add(s);
                }
                active = still;
            }
        } finally {
            for (SampleState s : active) s.finish();
        }

        List<GenerationResult> results = new ArrayList<>(requests.size());
        for (int r = 0; r < requests.size(); r++) {
            List<GenerationResult.Sample> samples = byRequest.get(r).stream().map(SampleState::toSample).toList();
            results.add(new GenerationResult(samples, prompts[r], seeds[r], decodeOn));
        }
        return results;
    }

    /** One sample being decoded: its tokens so far, its text, and whether it is done. */
    private final class SampleState {
        final GenerationRequest request;
        final int[] prompt;
        final SplittableRandom rng;
        final int index;
        final TokenListener listener;
        final int[] stopIds = model.stopTokenIds();
        final int maxStop;
        LocalModel.Session session;
        int[] ids;
        double[] lps;
        int count;
        int emitted;
        String text = "";
        GenerationResult.FinishReason finish = GenerationResult.FinishReason.LENGTH;

        SampleState(GenerationRequest request, int[] prompt, SplittableRandom rng, int index, TokenListener listener) {
            this.request = request;
            this.prompt = prompt;
            this.rng = rng;
            this.index = index;
            this.listener = listener;
            this.maxStop = request.stopStrings().stream().mapToInt(String::length).max().orElse(0);
            this.ids = new int[Math.min(request.maxNewTokens(), 64)];
            this.lps = new double[ids.length];
        }

        int lastToken() {
            return ids[count - 1];
        }

        /** Samples the next token from {@code logits}; true when the sample is finished. */
        boolean accept(float[] logits) {
            GenerationRequest r = request;
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
            if (stopToken) {
                finish = GenerationResult.FinishReason.STOP;
            } else if (cut >= 0) {
                finish = GenerationResult.FinishReason.STOP_STRING;
                full = full.substring(0, cut);
            }
            // The next token would sit at position prompt.length + count − 1, which must stay in range.
            boolean done = stopToken || cut >= 0 || count == r.maxNewTokens()
                    || prompt.length + count > model.maxGenerationPositions();
            text = full;
            if (listener != null) {
                String stable = done ? full : stablePrefix(full, maxStop);
                // Everything emitted so far was stable, so it is a prefix of the new stable text.
                String delta = stable.length() > emitted ? stable.substring(emitted) : "";
                emitted += delta.length();
                listener.onToken(index, token, delta);
            }
            return done;
        }

        void finish() {
            if (session != null) session.close();
            session = null;
        }

        GenerationResult.Sample toSample() {
            return new GenerationResult.Sample(text, Arrays.copyOf(ids, count), Arrays.copyOf(lps, count), finish,
                    prompt.length, count);
        }
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
