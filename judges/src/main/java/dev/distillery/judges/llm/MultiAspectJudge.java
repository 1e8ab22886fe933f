package dev.distillery.judges.llm;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Score;
import dev.distillery.judges.JudgeSettings;
import dev.distillery.judges.Judged;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.langchain4j.model.chat.ChatModel;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * UltraFeedback-style multi-aspect grading: one call rates the answer 1 to 5 on each chosen {@link Aspect}
 * (instruction following, honesty, truthfulness, helpfulness; N/A allowed). The verdict's score is the mean of the
 * rated aspects, as the UltraFeedback fix recommends over its holistic overall score; the per-aspect ratings are in
 * the rationale and in {@link #grade(JudgeInput)}.
 *
 * <pre>{@code
 * MultiAspectJudge judge = MultiAspectJudge.builder(model).build();
 * MultiAspectJudge.Graded g = judge.grade(input); // g.verdict() Scored(…, 4.25, …), g.ratings() per aspect
 * }</pre>
 */
public final class MultiAspectJudge implements Judge {
    /** Prompt name: {@code prompts/multi-aspect.txt}, overridable. */
    public static final String PROMPT = "multi-aspect";

    /**
     * A verdict with its per-aspect ratings.
     *
     * @param verdict the mean as a score, or the failure
     * @param ratings aspect to rating, in aspect order; empty when the verdict failed
     */
    public record Graded(Verdict verdict, Map<Aspect, AspectRating> ratings) {
    }

    private final String name;
    private final ChatModel model;
    private final List<Aspect> aspects;
    private final PromptTemplate template;
    private final JudgeCall call;

    private MultiAspectJudge(Builder b) {
        this.model = b.model;
        this.aspects = List.copyOf(b.aspects);
        this.name = b.name != null ? b.name : "multi-aspect:" + JudgeSettings.label(b.model);
        this.template = PromptTemplate.load(PROMPT, b.promptDir).requireOnly(List.of("instruction", "response", "aspects"));
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
    public Verdict judge(JudgeInput input) {
        return grade(input).verdict();
    }

    public Graded grade(JudgeInput input) {
        if (input == null || input.prompt() == null || input.response() == null) {
            return new Graded(new Verdict.Failed(name, "nothing to judge: the input needs a prompt and a response", null), Map.of());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (Aspect a : aspects) labels.put(a.key(), a.label());
        String guidance = aspects.stream().map(a -> a.label() + ": " + a.guidance()).collect(Collectors.joining("\n"));
        var messages = template.render(Map.of("instruction", input.prompt(), "response", input.response(), "aspects", guidance));
        return switch (call.ask(model, messages, raw -> VerdictParsers.aspects(raw, labels, 1, 5))) {
            case JudgeCall.Outcome.Answered<Map<String, AspectRating>> a -> graded(a.value(), a.raw());
            case JudgeCall.Outcome.GaveUp<Map<String, AspectRating>> g -> new Graded(new Verdict.Failed(name, g.reason(), g.raw()), Map.of());
        };
    }

    /**
     * Judges {@code record} like {@link dev.distillery.judges.Judges#apply(Judge, DataRecord)} and also stores each
     * rated aspect as its own score under {@code <name>/<aspect key>} (e.g. {@code multi-aspect:gpt/helpfulness}),
     * which is what UltraFeedback-style binarisation and per-aspect filters read. N/A aspects get no score.
     */
    public Judged<Verdict> applyWithAspects(DataRecord record) {
        JudgeInput input;
        try {
            input = dev.distillery.judges.Judges.inputOf(record, dev.distillery.judges.Judges.REFERENCE_FIELD);
        } catch (IllegalArgumentException e) {
            return new Judged<>(record, new Verdict.Failed(name, e.getMessage(), null));
        }
        Graded g = grade(input);
        if (!(g.verdict() instanceof Verdict.Scored s)) return new Judged<>(record, g.verdict());
        DataRecord out = record.withScore(name, s.toScore());
        for (Map.Entry<Aspect, AspectRating> e : g.ratings().entrySet()) {
            if (!e.getValue().notApplicable()) {
                out = out.withScore(name + "/" + e.getKey().key(), new Score(e.getValue().rating(), e.getValue().rationale()));
            }
        }
        return new Judged<>(out, s);
    }

    private Graded graded(Map<String, AspectRating> byKey, String raw) {
        Map<Aspect, AspectRating> ratings = new LinkedHashMap<>();
        List<Double> rated = new ArrayList<>();
        StringBuilder why = new StringBuilder();
        for (Aspect a : aspects) {
            AspectRating r = byKey.get(a.key());
            ratings.put(a, r);
            if (!r.notApplicable()) rated.add(r.rating());
            if (!why.isEmpty()) why.append(", ");
            why.append(a.key()).append('=').append(r.notApplicable() ? "N/A" : VerdictParsers.format(r.rating()));
        }
        double mean = rated.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        return new Graded(new Verdict.Scored(name, mean, "mean of " + why + "\n" + raw), ratings);
    }

    /** Settings; defaults: all four aspects, temperature 0, 2 attempts. */
    public static final class Builder extends LlmJudgeBuilder<Builder> {
        private Set<Aspect> aspects = EnumSet.allOf(Aspect.class);

        private Builder(ChatModel model) {
            super(model, 1536);
        }

        /** Which aspects to rate (at least one), in {@link Aspect} order. */
        public Builder aspects(Set<Aspect> aspects) {
            if (aspects.isEmpty()) throw new IllegalArgumentException("a multi-aspect judge needs at least one aspect");
            this.aspects = EnumSet.copyOf(aspects);
            return this;
        }

        public MultiAspectJudge build() {
            return new MultiAspectJudge(this);
        }
    }
}
