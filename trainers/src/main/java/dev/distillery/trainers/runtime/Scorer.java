package dev.distillery.trainers.runtime;

import dev.distillery.datasets.model.Conversation;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Exact log-probabilities from the trainer's float32 engine (teacher forcing, one forward per call): the score of a
 * completion after a prompt, perplexity, and the probability of candidate next tokens (LLM-judge ratings "1".."10").
 * Whatever backend generates, scores come from the engine, the same forward the trainer optimises, so they are the
 * ground truth that DPO reference log-probs, IFD or judges can rely on.
 *
 * <pre>{@code
 * Scorer s = new Scorer(model);
 * double lp = s.completion(Prompt.chat(question), "4<|im_end|>").sum();
 * Scorer.Candidates c = s.nextToken(Prompt.text("Rating: "), List.of("1", "2", "3"));
 * }</pre>
 *
 * <p>Prompt and completion are tokenized separately and concatenated, the usual convention for completion scoring
 * (a joint tokenization could merge across the boundary). Thread-safe: the model serializes forwards.
 */
public final class Scorer {

    private final LocalModel model;

    public Scorer(LocalModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * Log-probabilities of a completion.
     *
     * @param completionIds  the scored tokens
     * @param tokenLogProbs  log p(token | everything before it), per completion token
     * @param sum            Σ tokenLogProbs
     * @param mean           sum / tokens (NaN for an empty completion)
     */
    public record Score(int[] completionIds, double[] tokenLogProbs, double sum, double mean) {
        public Score {
            completionIds = completionIds.clone();
            tokenLogProbs = tokenLogProbs.clone();
        }

        @Override
        public int[] completionIds() {
            return completionIds.clone();
        }

        @Override
        public double[] tokenLogProbs() {
            return tokenLogProbs.clone();
        }

        public int tokens() {
            return completionIds.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Score s && Arrays.equals(s.completionIds, completionIds)
                    && Arrays.equals(s.tokenLogProbs, tokenLogProbs);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(completionIds) + Arrays.hashCode(tokenLogProbs);
        }

        @Override
        public String toString() {
            return "Score[tokens=" + tokens() + ", sum=" + sum + ", mean=" + mean + "]";
        }
    }

    /**
     * Perplexity over a set of texts, token-weighted: {@code exp(−Σ log p / tokens)}.
     *
     * @param perplexity     exp(meanNegLogProb)
     * @param meanNegLogProb average negative log-likelihood per scored token (nats)
     * @param tokens         scored tokens (each text's first token has no context and is not scored)
     */
    public record Perplexity(double perplexity, double meanNegLogProb, int tokens) {
    }

    /**
     * Probabilities of candidate continuations right after a prompt.
     *
     * @param candidates    the candidate strings, in the order given
     * @param logProbs      log p(candidate | prompt); a candidate of several tokens gets the chain-rule probability
     *                      of its whole token sequence
     * @param probabilities exp(logProbs)
     * @param normalized    probabilities renormalized over the candidates (sum 1)
     */
    public record Candidates(List<String> candidates, double[] logProbs, double[] probabilities, double[] normalized) {
        public Candidates {
            candidates = List.copyOf(candidates);
            logProbs = logProbs.clone();
            probabilities = probabilities.clone();
            normalized = normalized.clone();
        }

        /** Probability mass the candidates cover. */
        public double coveredMass() {
            return Arrays.stream(probabilities).sum();
        }

        /** Candidate → normalized probability, in the given order. */
        public Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (int i = 0; i < candidates.size(); i++) m.put(candidates.get(i), normalized[i]);
            return m;
        }

        /** The most likely candidate. */
        public String best() {
            int b = 0;
            for (int i = 1; i < logProbs.length; i++) if (logProbs[i] > logProbs[b]) b = i;
            return candidates.get(b);
        }

        /**
         * Σ value(candidate) · normalized probability, for numeric candidates such as ratings "1".."10" (G-Eval style
         * expected score).
         */
        public double expectedValue() {
            double e = 0;
            for (int i = 0; i < candidates.size(); i++) e += Double.parseDouble(candidates.get(i).trim()) * normalized[i];
            return e;
        }
    }

    /** Scores {@code completionIds} after {@code promptIds} (the prompt needs at least one token). */
    public Score completion(int[] promptIds, int[] completionIds) {
        if (promptIds.length == 0) throw new IllegalArgumentException("scoring needs a prompt of at least one token");
        int p = promptIds.length;
        int[] all = Arrays.copyOf(promptIds, p + completionIds.length);
        System.arraycopy(completionIds, 0, all, p, completionIds.length);
        double[] lps = new double[completionIds.length];
        if (completionIds.length > 0) {
            float[] logits = model.engineLogits(all);
            int v = model.config().vocabSize();
            for (int j = 0; j < completionIds.length; j++) {
                int row = (p - 1 + j) * v;
                lps[j] = logits[row + completionIds[j]] - Sampling.logSumExp(logits, row, v);
            }
        }
        double sum = Arrays.stream(lps).sum();
        return new Score(completionIds, lps, sum, lps.length == 0 ? Double.NaN : sum / lps.length);
    }

    /** Scores token ids after a prompt (text, ids or a chat rendered with the generation prompt). */
    public Score completion(Prompt prompt, int[] completionIds) {
        return completion(model.encode(prompt), completionIds);
    }

    /** Scores a completion text, tokenized on its own (write the end-of-turn token into it to score it too). */
    public Score completion(Prompt prompt, String completion) {
        return completion(model.encode(prompt), model.tokenizer().encode(completion));
    }

    /** Perplexity of plain texts. */
    public Perplexity perplexity(List<String> texts) {
        return perplexityOf(texts.stream().map(t -> model.tokenizer().encode(t)).toList());
    }

    /** Perplexity of whole conversations rendered with the chat template (all tokens, not only the answers). */
    public Perplexity perplexityOfChats(List<Conversation> chats) {
        var t = model.requireTemplate();
        return perplexityOf(chats.stream().map(c -> model.tokenizer().encode(t.render(c, false))).toList());
    }

    private Perplexity perplexityOf(List<int[]> sequences) {
        double sum = 0;
        int n = 0;
        for (int[] ids : sequences) {
            if (ids.length < 2) continue;
            Score s = completion(Arrays.copyOf(ids, 1), Arrays.copyOfRange(ids, 1, ids.length));
            sum += s.sum();
            n += s.tokens();
        }
        double nll = n == 0 ? Double.NaN : -sum / n;
        return new Perplexity(Math.exp(nll), nll, n);
    }

    /**
     * Probability of each candidate as the continuation of {@code prompt}. Single-token candidates share one forward
     * pass; longer ones cost a forward each.
     */
    public Candidates nextToken(Prompt prompt, List<String> candidates) {
        if (candidates.isEmpty()) throw new IllegalArgumentException("no candidates");
        int[] p = model.encode(prompt);
        if (p.length == 0) throw new IllegalArgumentException("scoring needs a prompt of at least one token");
        int v = model.config().vocabSize();
        float[] last = null;
        double lse = 0;
        double[] lps = new double[candidates.size()];
        for (int i = 0; i < candidates.size(); i++) {
            int[] ids = model.tokenizer().encode(candidates.get(i));
            if (ids.length == 0) throw new IllegalArgumentException("candidate '" + candidates.get(i) + "' has no tokens");
            if (ids.length == 1) {
                if (last == null) {
                    float[] all = model.engineLogits(p);
                    last = Arrays.copyOfRange(all, (p.length - 1) * v, p.length * v);
                    lse = Sampling.logSumExp(last, 0, v);
                }
                lps[i] = last[ids[0]] - lse;
            } else {
                lps[i] = completion(p, ids).sum();
            }
        }
        double[] probs = new double[lps.length];
        double total = 0;
        for (int i = 0; i < lps.length; i++) total += (probs[i] = Math.exp(lps[i]));
        double[] norm = new double[lps.length];
        for (int i = 0; i < lps.length; i++) norm[i] = total > 0 ? probs[i] / total : 1.0 / lps.length;
        return new Candidates(candidates, lps, probs, norm);
    }
}
