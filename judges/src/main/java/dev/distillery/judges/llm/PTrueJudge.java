package dev.distillery.judges.llm;

import dev.distillery.judges.JudgeSettings;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.langchain4j.model.chat.ChatModel;

import dev.langchain4j.model.chat.response.ChatResponse;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Self-evaluation P(True) (Kadavath et al. 2022): shows the question and a proposed answer, asks "Is the proposed
 * answer correct? (A) True (B) False", and scores the probability of True in [0, 1].
 *
 * <p>Two ways to get the probability ({@link Method}). With token log-probabilities (LangChain4j's OpenAI client,
 * against OpenAI or any OpenAI-compatible server) one call at temperature 0 reads p(A or True) and p(B or False) at
 * the first answer token and reports p(True) / (p(True) + p(False)). Where a backend exposes none (LangChain4j's
 * generic {@code ChatResponse} has no log-prob field), the probability is ESTIMATED by sampling {@code samples}
 * answers at a temperature above 0 and taking the fraction of True among those that parse (standard error
 * sqrt(p(1-p)/k)). Unparseable samples are not counted as False; when fewer than half parse, the verdict is a
 * failure.
 *
 * <pre>{@code
 * Judge judge = PTrueJudge.builder(model).samples(8).build();
 * Verdict v = judge.judge(new JudgeInput("2+2?", "4", null)); // Scored(…, 0.875, "7 of 8 samples True …")
 * }</pre>
 */
public final class PTrueJudge implements Judge {
    /** Prompt name: {@code prompts/p-true.txt}, overridable. */
    public static final String PROMPT = "p-true";

    /** How the probability is obtained. */
    public enum Method {
        /** Log-probabilities when the model is LangChain4j's OpenAI client and the reply carries them, else sampling. */
        AUTO,
        /** Log-probabilities only; a model or reply without them is a recorded failure. */
        LOGPROBS,
        /** Always sample, even where log-probabilities are available. */
        SAMPLING
    }

    private final String name;
    private final ChatModel model;
    private final PromptTemplate template;
    private final JudgeCall call;
    private final int samples;
    private final Method method;
    private final Integer maxTokens;

    private PTrueJudge(Builder b) {
        this.model = b.model;
        this.name = b.name != null ? b.name : "p-true:" + JudgeSettings.label(b.model);
        this.template = PromptTemplate.load(PROMPT, b.promptDir).requireOnly(List.of("question", "answer"));
        // One attempt per sample: a failed sample is counted as such, not retried into a biased estimate.
        this.call = new JudgeCall(b.temperature, b.maxTokens, 1);
        this.samples = b.samples;
        this.method = b.method;
        this.maxTokens = b.maxTokens;
    }

    public static Builder builder(ChatModel model) {
        return new Builder(model);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Verdict judge(JudgeInput input) {
        if (input == null || input.prompt() == null || input.response() == null) {
            return new Verdict.Failed(name, "nothing to judge: the input needs a prompt and a response", null);
        }
        var messages = template.render(Map.of("question", input.prompt(), "answer", input.response()));
        if (method != Method.SAMPLING) {
            if (!TokenLogProbs.supported(model)) {
                if (method == Method.LOGPROBS) {
                    return new Verdict.Failed(name, "method logprobs needs a model that returns token log-probabilities "
                            + "(LangChain4j's OpenAI client); this one is a " + model.getClass().getSimpleName(), null);
                }
            } else {
                Verdict fromLogProbs = fromLogProbs(messages);
                if (fromLogProbs != null) return fromLogProbs;
            }
        }
        return sample(messages);
    }

    /** The verdict from one log-prob call; null when the reply carries none and sampling may take over. */
    private Verdict fromLogProbs(List<dev.langchain4j.data.message.ChatMessage> messages) {
        ChatResponse response;
        try {
            response = model.chat(TokenLogProbs.request(messages, maxTokens));
        } catch (RuntimeException e) {
            return new Verdict.Failed(name, "model call failed: " + JudgeCall.describe(e), null);
        }
        String text = response == null || response.aiMessage() == null ? null : response.aiMessage().text();
        TokenLogProbs.Estimate e = TokenLogProbs.read(response);
        if (e == null) {
            if (method == Method.LOGPROBS) {
                return new Verdict.Failed(name, "the reply carries no log-probabilities for A/True or B/False", text);
            }
            return null;
        }
        String rationale = String.format(Locale.ROOT, "P(True) from token log-probabilities at answer token %d: "
                        + "p(True)=%.4f, p(False)=%.4f, normalised over the two; reply: %s",
                e.position(), e.massYes(), e.massNo(), text);
        return new Verdict.Scored(name, e.pYes(), rationale);
    }

    private Verdict sample(List<dev.langchain4j.data.message.ChatMessage> messages) {
        int yes = 0;
        int parsed = 0;
        String lastReason = null;
        String lastRaw = null;
        for (int i = 0; i < samples; i++) {
            switch (call.ask(model, messages, VerdictParsers::trueOrFalse)) {
                case JudgeCall.Outcome.Answered<Boolean> a -> {
                    parsed++;
                    if (a.value()) yes++;
                }
                case JudgeCall.Outcome.GaveUp<Boolean> g -> {
                    lastReason = g.reason();
                    lastRaw = g.raw();
                }
            }
        }
        int failed = samples - parsed;
        // Fewer than half usable: the fraction would rest on too few samples to mean anything.
        if (parsed * 2 < samples) {
            return new Verdict.Failed(name, failed + " of " + samples + " samples unusable; last: " + lastReason, lastRaw);
        }
        String rationale = yes + " of " + parsed + " samples True" + (failed > 0 ? " (" + failed + " unparseable, not counted)" : "")
                + "; estimated by sampling at temperature " + call.temperature();
        return new Verdict.Scored(name, (double) yes / parsed, rationale);
    }

    /** Settings; defaults: 5 samples at temperature 1.0, 16 output tokens. */
    public static final class Builder {
        private final ChatModel model;
        private String name;
        private Path promptDir;
        private int samples = 5;
        private double temperature = 1.0;
        private Integer maxTokens = 16;
        private Method method = Method.AUTO;

        private Builder(ChatModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder promptDir(Path promptDir) {
            this.promptDir = promptDir;
            return this;
        }

        /** How many samples estimate the probability; at least 1 (1 gives a 0/1 answer, not a probability). */
        public Builder samples(int samples) {
            if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, got " + samples);
            this.samples = samples;
            return this;
        }

        /** Must be above 0 when samples > 1: at temperature 0 every sample is the same answer. */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** How the probability is obtained; default {@link Method#AUTO}. */
        public Builder method(Method method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        public PTrueJudge build() {
            if (method != Method.LOGPROBS && samples > 1 && temperature <= 0) {
                throw new IllegalArgumentException("p-true with " + samples + " samples needs a temperature above 0, got " + temperature);
            }
            return new PTrueJudge(this);
        }
    }
}
