package dev.distillery.generators.flows.agentinstruct;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.Emitter;
import dev.distillery.generators.flow.FlowConfigException;
import dev.distillery.generators.flow.FlowContext;
import dev.distillery.generators.flow.FlowParameter;
import dev.distillery.generators.flow.FlowSettings;
import dev.distillery.generators.flow.FlowSignature;
import dev.distillery.generators.flow.Inputs;
import dev.distillery.generators.flow.JsonAnswer;
import dev.distillery.generators.flow.ModelReply;
import dev.distillery.generators.flow.PerRecordFlow;
import dev.distillery.generators.template.PromptTemplate;
import dev.distillery.generators.template.TemplateSpec;
import dev.langchain4j.data.message.UserMessage;

import java.util.List;
import java.util.Map;

/**
 * AgentInstruct flow 3, instruction refinement: a suggester proposes changes toward a goal (harder, more specific,
 * more applied, ...), an editor applies them and answers the edited task; repeated for N rounds, cycling through
 * the goals. The result of the last round is the output (or of every round, with {@code emit-every-round}).
 *
 * <pre>{@code FlowRunner.builder(new InstructionRefinementFlow()).model("teacher", gpt).setting("rounds", 2).build()}</pre>
 */
public final class InstructionRefinementFlow extends PerRecordFlow {

    public static final String NAME = "instruction-refinement";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "AgentInstruct suggester-editor refinement: N rounds that make instructions harder and more specific";
    }

    @Override
    public FlowSignature signature() {
        return new FlowSignature(List.of("text", "chat"), List.of("sft"), List.of(
                FlowSignature.ModelRole.optional("teacher", "default model for both agents"),
                FlowSignature.ModelRole.withFallback("suggester", "proposes changes toward the round's goal", "teacher"),
                FlowSignature.ModelRole.withFallback("editor", "applies the changes and answers the edited task", "teacher")));
    }

    @Override
    public List<FlowParameter> parameters() {
        return List.of(
                FlowParameter.integer("rounds", "suggester-editor rounds per instruction", 2),
                FlowParameter.list("goals", "what each round aims for, cycled through in order", List.of(
                        "make the task harder, for example by requiring more reasoning steps or adding a plausible distractor",
                        "make the task more specific and precise, adding explicit constraints on the answer",
                        "ground the task in a realistic, applied scenario"), List.of()),
                FlowParameter.bool("emit-every-round", "output the result of every round, not only the last", false));
    }

    @Override
    public void check(FlowSettings s) {
        if (s.integer("rounds") < 1) throw new FlowConfigException("flow '" + NAME + "': setting 'rounds' must be >= 1");
        if (s.list("goals").isEmpty()) throw new FlowConfigException("flow '" + NAME + "': setting 'goals' names no goal");
    }

    @Override
    public List<TemplateSpec> templates() {
        return List.of(
                new TemplateSpec("suggest", Map.of("instruction", "Sort a list.", "answer", "Use sorted().", "goal", "make it harder")),
                new TemplateSpec("edit", Map.of("instruction", "Sort a list.", "answer", "Use sorted().",
                        "suggestions", List.of("Forbid built-in sorting."))));
    }

    @Override
    protected void processOne(DataRecord input, FlowContext ctx, Emitter out) {
        String instruction = Inputs.instruction(input);
        String answer = input.payload() instanceof Payload.Text ? "" : nullToEmpty(Inputs.answer(input));
        PromptTemplate suggest = ctx.template("suggest");
        PromptTemplate edit = ctx.template("edit");
        List<String> goals = ctx.settings().list("goals");
        int rounds = ctx.settings().integer("rounds");
        for (int round = 1; round <= rounds; round++) {
            String goal = goals.get((round - 1) % goals.size());
            ModelReply s = ctx.chat("suggester", "suggest", List.of(UserMessage.from(suggest.render(Map.of(
                    "instruction", instruction, "answer", answer, "goal", goal)))));
            JsonNode sj = JsonAnswer.object(s.text());
            List<String> suggestions = JsonAnswer.texts(sj.path("suggestions"));
            ModelReply e = ctx.chat("editor", "edit", List.of(UserMessage.from(edit.render(Map.of(
                    "instruction", instruction, "answer", answer, "suggestions", suggestions)))));
            JsonNode ej = JsonAnswer.object(e.text());
            instruction = JsonAnswer.text(ej, "task");
            answer = JsonAnswer.text(ej, "answer");
            if (round == rounds || ctx.settings().bool("emit-every-round")) {
                out.output(ctx.output(new Payload.Chat(Conversation.of(Message.user(instruction), Message.assistant(answer))))
                        .kind("sft").step("refine").parents(input).template(suggest, edit).models(s.modelId(), e.modelId())
                        .variant(round).build());
            }
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
