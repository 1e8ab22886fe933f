package dev.distillery.judges.llm;

import dev.distillery.judges.JudgeSettings;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.langchain4j.model.chat.ChatModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Prometheus-style absolute grading: feedback strictly against a {@link Rubric}, then an integer 1 to 5 as
 * {@code [RESULT] n}. A reference answer, when the input has one, is shown as the answer that deserves a 5.
 *
 * <pre>{@code
 * Judge judge = RubricJudge.builder(model, Rubric.resolve("reasoning")).build();
 * Verdict v = judge.judge(new JudgeInput(question, answer, reference)); // Scored(…, 4.0, "Feedback: … [RESULT] 4")
 * }</pre>
 */
public final class RubricJudge implements Judge {
    /** Prompt names: {@code prompts/rubric-absolute.txt} and {@code prompts/rubric-absolute-ref.txt}, overridable. */
    public static final String PROMPT = "rubric-absolute";
    public static final String REFERENCE_PROMPT = "rubric-absolute-ref";

    private final String name;
    private final ChatModel model;
    private final Rubric rubric;
    private final PromptTemplate plain;
    private final PromptTemplate withReference;
    private final ReferenceMode referenceMode;
    private final JudgeCall call;

    private RubricJudge(Builder b) {
        this.model = b.model;
        this.rubric = b.rubric;
        this.name = b.name != null ? b.name : "rubric-" + b.rubric.name() + ":" + JudgeSettings.label(b.model);
        this.referenceMode = b.referenceMode;
        this.plain = PromptTemplate.load(PROMPT, b.promptDir).requireOnly(List.of("instruction", "response", "rubric"));
        this.withReference = PromptTemplate.load(REFERENCE_PROMPT, b.promptDir)
                .requireOnly(List.of("instruction", "response", "rubric", "reference"));
        this.call = new JudgeCall(b.temperature, b.maxTokens, b.attempts);
    }

    public static Builder builder(ChatModel model, Rubric rubric) {
        return new Builder(model, rubric);
    }

    @Override
    public String name() {
        return name;
    }

    public Rubric rubric() {
        return rubric;
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
        vars.put("instruction", input.prompt());
        vars.put("response", input.response());
        vars.put("rubric", rubric.render());
        if (useReference) vars.put("reference", input.reference());
        PromptTemplate template = useReference ? withReference : plain;
        return switch (call.ask(model, template.render(vars), raw -> VerdictParsers.prometheusResult(raw, 1, Rubric.SCORES))) {
            case JudgeCall.Outcome.Answered<Integer> a -> new Verdict.Scored(name, a.value(), a.raw());
            case JudgeCall.Outcome.GaveUp<Integer> g -> new Verdict.Failed(name, g.reason(), g.raw());
        };
    }

    /** Settings; defaults: temperature 0, 2 attempts, reference auto. */
    public static final class Builder extends LlmJudgeBuilder.WithReference<Builder> {
        private final Rubric rubric;

        private Builder(ChatModel model, Rubric rubric) {
            super(model, 1024);
            this.rubric = Objects.requireNonNull(rubric, "rubric");
        }

        public RubricJudge build() {
            return new RubricJudge(this);
        }
    }
}
