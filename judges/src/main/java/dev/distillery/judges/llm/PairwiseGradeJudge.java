package dev.distillery.judges.llm;

import dev.distillery.judges.JudgeSettings;
import dev.distillery.judges.spi.PairInput;
import dev.distillery.judges.spi.PairwiseJudge;
import dev.distillery.judges.spi.PairwiseVerdict;
import dev.distillery.judges.spi.PairwiseVerdict.Winner;
import dev.langchain4j.model.chat.ChatModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MT-Bench style pairwise comparison in ONE position order: answer A is {@link PairInput#first()}, the verdict is
 * {@code [[A]]}, {@code [[B]]} or {@code [[C]]} (tie). Judges favour a position, so use it through
 * {@link PositionSwap}, which asks both orders; {@link #builder(ChatModel)} does that unless told otherwise.
 *
 * <pre>{@code
 * PairwiseJudge judge = PairwiseGradeJudge.builder(model).build();          // swapped: asks both orders
 * PairwiseVerdict v = judge.compare(new PairInput("2+2?", "4", "5", null)); // Decided(FIRST, swapConsistent=true)
 * }</pre>
 */
public final class PairwiseGradeJudge implements PairwiseJudge {
    /** Prompt names: {@code prompts/pair-v1.txt} and {@code prompts/pair-ref-v1.txt}, overridable. */
    public static final String PROMPT = "pair-v1";
    public static final String REFERENCE_PROMPT = "pair-ref-v1";

    private final String name;
    private final ChatModel model;
    private final PromptTemplate plain;
    private final PromptTemplate withReference;
    private final ReferenceMode referenceMode;
    private final JudgeCall call;

    private PairwiseGradeJudge(Builder b) {
        this.model = b.model;
        this.name = b.name != null ? b.name : "pairwise:" + JudgeSettings.label(b.model);
        this.referenceMode = b.referenceMode;
        this.plain = PromptTemplate.load(PROMPT, b.promptDir).requireOnly(List.of("question", "answer_a", "answer_b"));
        this.withReference = PromptTemplate.load(REFERENCE_PROMPT, b.promptDir)
                .requireOnly(List.of("question", "answer_a", "answer_b", "reference"));
        this.call = new JudgeCall(b.temperature, b.maxTokens, b.attempts);
    }

    public static Builder builder(ChatModel model) {
        return new Builder(model);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PairwiseVerdict compare(PairInput input) {
        if (input == null || input.prompt() == null || input.first() == null || input.second() == null) {
            return new PairwiseVerdict.Failed(name, "nothing to compare: the input needs a prompt and two answers", null);
        }
        Boolean useReference = referenceMode.use(input.reference());
        if (useReference == null) {
            return new PairwiseVerdict.Failed(name, "reference-guided comparison needs a reference answer; the input has none", null);
        }
        Map<String, String> vars = new HashMap<>();
        vars.put("question", input.prompt());
        vars.put("answer_a", input.first());
        vars.put("answer_b", input.second());
        if (useReference) vars.put("reference", input.reference());
        PromptTemplate template = useReference ? withReference : plain;
        return switch (call.ask(model, template.render(vars), VerdictParsers::pairChoice)) {
            case JudgeCall.Outcome.Answered<Winner> a -> new PairwiseVerdict.Decided(name, a.value(), null, a.raw());
            case JudgeCall.Outcome.GaveUp<Winner> g -> new PairwiseVerdict.Failed(name, g.reason(), g.raw());
        };
    }

    /** Settings; defaults: both orders asked, temperature 0, 2 attempts, reference auto. */
    public static final class Builder extends LlmJudgeBuilder.WithReference<Builder> {
        private boolean swap = true;

        private Builder(ChatModel model) {
            super(model, 1024);
        }

        /** Whether to ask both position orders (default true); false halves the cost and keeps the bias. */
        public Builder swap(boolean swap) {
            this.swap = swap;
            return this;
        }

        /** The judge; wrapped in {@link PositionSwap} unless {@code swap(false)}. */
        public PairwiseJudge build() {
            PairwiseGradeJudge oneOrder = buildOneOrder();
            return swap ? new PositionSwap(oneOrder) : oneOrder;
        }

        /** The judge that asks only the order it is given. */
        public PairwiseGradeJudge buildOneOrder() {
            return new PairwiseGradeJudge(this);
        }
    }
}
