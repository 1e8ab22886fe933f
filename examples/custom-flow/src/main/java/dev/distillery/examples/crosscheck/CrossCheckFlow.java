package dev.distillery.examples.crosscheck;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.Emitter;
import dev.distillery.generators.flow.FlowContext;
import dev.distillery.generators.flow.FlowParameter;
import dev.distillery.generators.flow.FlowSignature;
import dev.distillery.generators.flow.Inputs;
import dev.distillery.generators.flow.JsonAnswer;
import dev.distillery.generators.flow.ModelReply;
import dev.distillery.generators.flow.PerRecordFlow;
import dev.distillery.generators.template.PromptTemplate;
import dev.distillery.generators.template.TemplateSpec;
import dev.langchain4j.data.message.UserMessage;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cross-check: the teacher answers each prompt twice, once asked for the bare answer and once asked to reason step
 * by step, and the example is kept only when both final answers agree. Two differently worded requests fail
 * independently more often than not, so disagreement catches many wrong answers without a verifier or a judge —
 * a cheap filter for tasks with a short, checkable answer (arithmetic, lookups, classifications).
 *
 * <pre>{@code
 *   - name: checked
 *     kind: flow
 *     flow: cross-check
 *     settings: {record-answer: reasoned}   # keep the step-by-step text in the training record
 *     models: {teacher: teacher}
 * }</pre>
 */
public final class CrossCheckFlow extends PerRecordFlow {

    public static final String NAME = "cross-check";
    static final String ANSWER_PREFIX = "answer:";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Asks the teacher twice (bare answer, step by step) and keeps the example only when both final answers agree";
    }

    @Override
    public FlowSignature signature() {
        return new FlowSignature(List.of("text", "chat"), List.of("sft"),
                List.of(FlowSignature.ModelRole.required("teacher", "answers each prompt twice, differently asked")));
    }

    @Override
    public List<FlowParameter> parameters() {
        return List.of(FlowParameter.choice("record-answer",
                "which answer the training record keeps: the bare one (direct) or the step-by-step text (reasoned)",
                "direct", List.of("direct", "reasoned")));
    }

    @Override
    public List<TemplateSpec> templates() {
        return List.of(new TemplateSpec("direct", Map.of("prompt", "What is 2 + 2?")),
                new TemplateSpec("reasoned", Map.of("prompt", "What is 2 + 2?")));
    }

    @Override
    protected void processOne(DataRecord input, FlowContext ctx, Emitter out) {
        String prompt = Inputs.instruction(input);
        PromptTemplate direct = ctx.template("direct");
        PromptTemplate reasoned = ctx.template("reasoned");
        ModelReply bare = ctx.chat("teacher", "direct", List.of(UserMessage.from(direct.render(Map.of("prompt", prompt)))));
        ModelReply worked = ctx.chat("teacher", "reasoned", List.of(UserMessage.from(reasoned.render(Map.of("prompt", prompt)))));
        String first = normalize(bare.text());
        String second = normalize(finalAnswer(worked.text()));
        if (!first.equals(second)) {
            out.filtered(input.id(), List.of(input.id()), "compare",
                    "the two answers disagree: '" + abbreviate(first) + "' vs '" + abbreviate(second) + "'");
            return;
        }
        String kept = ctx.settings().string("record-answer").equals("reasoned") ? worked.text().strip() : bare.text().strip();
        Conversation chat = new Conversation(List.of(Message.user(prompt), Message.assistant(kept)));
        out.output(ctx.output(new Payload.Chat(chat)).kind("sft").step("compare").parents(input)
                .template(direct, reasoned).models(bare.modelId(), worked.modelId()).build());
    }

    /**
     * The text after the last "Answer:" line of a step-by-step reply; a reply without one ignored the requested
     * format and is dead-lettered (MALFORMED_OUTPUT), as a flow must.
     */
    static String finalAnswer(String reply) {
        String lower = reply.toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf(ANSWER_PREFIX);
        if (at < 0) throw JsonAnswer.malformed("the step-by-step answer has no line starting with \"Answer:\"");
        String answer = reply.substring(at + ANSWER_PREFIX.length()).strip();
        if (answer.isEmpty()) throw JsonAnswer.malformed("the step-by-step answer's \"Answer:\" line is empty");
        return answer.lines().findFirst().orElse("").strip();
    }

    /** Case, surrounding quotes, a trailing full stop and runs of spaces do not make two answers differ. */
    static String normalize(String answer) {
        String s = answer.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        s = s.replaceAll("^[\"'`]+|[\"'`]+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1).strip() : s;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
