package dev.distillery.judges.llm;

import dev.distillery.judges.JudgeSettings;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.langchain4j.model.chat.ChatModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MT-Bench style single-answer grading: the model explains, then rates the answer 1 to 10 as {@code Rating: [[n]]}.
 * With a reference answer (see {@link ReferenceMode}) it uses the reference-guided prompt, which asks the judge to
 * compare with the reference and correct mistakes first.
 *
 * <pre>{@code
 * Judge judge = SingleGradeJudge.builder(model).build();
 * Verdict v = judge.judge(new JudgeInput("What is 2+2?", "4", null)); // Scored(…, 9.0, "…Rating: [[9]]")
 * }</pre>
 */
public final class SingleGradeJudge implements Judge {
    /** Prompt names: {@code prompts/single-v1.txt} and {@code prompts/single-ref-v1.txt}, overridable. */
    public static final String PROMPT = "single-v1";
    public static final String REFERENCE_PROMPT = "single-ref-v1";

    private final String name;
    private final ChatModel model;
    private final PromptTemplate plain;
    private final PromptTemplate withReference;
    private final ReferenceMode referenceMode;
    private final JudgeCall call;
    private final double min;
    private final double max;

    private SingleGradeJudge(Builder b) {
        this.model = b.model;
        this.name = b.name != null ? b.name : "single-grade:" + JudgeSettings.label(b.model);
        this.referenceMode = b.referenceMode;
        this.plain = PromptTemplate.load(PROMPT, b.promptDir).requireOnly(List.of("question", "answer"));
        this.withReference = PromptTemplate.load(REFERENCE_PROMPT, b.promptDir)
                .requireOnly(List.of("question", "answer", "reference"));
        this.call = new JudgeCall(b.temperature, b.maxTokens, b.attempts);
        this.min = b.min;
        this.max = b.max;
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
        Boolean useReference = referenceMode.use(input.reference());
        if (useReference == null) {
            return new Verdict.Failed(name, "reference-guided grading needs a reference answer; the input has none", null);
        }
        Map<String, String> vars = new HashMap<>();
        vars.put("question", input.prompt());
        vars.put("answer", input.response());
        if (useReference) vars.put("reference", input.reference());
        PromptTemplate template = useReference ? withReference : plain;
        return switch (call.ask(model, template.render(vars), raw -> VerdictParsers.rating(raw, min, max))) {
            case JudgeCall.Outcome.Answered<Double> a -> new Verdict.Scored(name, a.value(), a.raw());
            case JudgeCall.Outcome.GaveUp<Double> g -> new Verdict.Failed(name, g.reason(), g.raw());
        };
    }

    /** Settings for {@link SingleGradeJudge}; defaults: temperature 0, 2 attempts, reference auto, scale 1–10. */
    public static final class Builder extends LlmJudgeBuilder.WithReference<Builder> {
        private double min = 1;
        private double max = 10;

        private Builder(ChatModel model) {
            super(model, 1024);
        }

        /** The rating scale a user-edited prompt asks for; ratings outside it are failures. */
        public Builder scale(double min, double max) {
            if (!(min < max)) throw new IllegalArgumentException("scale needs min < max, got " + min + ".." + max);
            this.min = min;
            this.max = max;
            return this;
        }

        public SingleGradeJudge build() {
            return new SingleGradeJudge(this);
        }
    }
}
