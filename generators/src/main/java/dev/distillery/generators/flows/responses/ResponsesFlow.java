package dev.distillery.generators.flows.responses;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Role;
import dev.distillery.generators.flow.Emitter;
import dev.distillery.generators.flow.FlowContext;
import dev.distillery.generators.flow.FlowParameter;
import dev.distillery.generators.flow.FlowSignature;
import dev.distillery.generators.flow.Inputs;
import dev.distillery.generators.flow.ModelReply;
import dev.distillery.generators.flow.PerRecordFlow;
import dev.distillery.generators.template.PromptTemplate;
import dev.distillery.generators.template.TemplateSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Orca-2-style responses: the teacher answers each prompt under a strategy system prompt (step-by-step,
 * recall-then-generate, direct answer, explain-like-I'm-5), and with prompt erasure the training record keeps only
 * a generic system prompt, so the student learns to pick the strategy itself instead of being told.
 *
 * <pre>{@code FlowRunner.builder(new ResponsesFlow()).model("teacher", gpt).setting("strategies", List.of("step-by-step")).build()}</pre>
 */
public final class ResponsesFlow extends PerRecordFlow {

    public static final String NAME = "responses";
    static final List<String> STRATEGIES = List.of("step-by-step", "recall-then-generate", "direct-answer", "explain-like-im-5");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Orca-2 responses: the teacher answers under a strategy system prompt; prompt erasure keeps a generic one in the record";
    }

    @Override
    public FlowSignature signature() {
        return new FlowSignature(List.of("text", "chat"), List.of("sft"),
                List.of(FlowSignature.ModelRole.required("teacher", "answers each prompt under the strategy system prompt")));
    }

    @Override
    public List<FlowParameter> parameters() {
        return List.of(
                FlowParameter.list("strategies", "one response per prompt for each strategy", List.of("step-by-step"), STRATEGIES),
                FlowParameter.bool("erase-system-prompt", "replace the strategy system prompt with the generic one in the training record (Orca 2 prompt erasure)", true),
                FlowParameter.string("system-prompt", "the generic system prompt the training record keeps; empty for none", "You are a helpful assistant."));
    }

    @Override
    public List<TemplateSpec> templates() {
        return STRATEGIES.stream().map(s -> new TemplateSpec(s, Map.of())).toList();
    }

    @Override
    protected void processOne(DataRecord input, FlowContext ctx, Emitter out) {
        Conversation prompt = withoutSystem(Inputs.prompt(input));
        boolean erase = ctx.settings().bool("erase-system-prompt");
        String generic = ctx.settings().string("system-prompt");
        for (String strategy : ctx.settings().list("strategies")) {
            PromptTemplate t = ctx.template(strategy);
            // The strategy prompt has no variables: render it once per run, not once per record.
            String strategyPrompt = ctx.state("system:" + strategy, () -> t.render(Map.of()).strip());
            Conversation asked = Conversation.of(Message.system(strategyPrompt)).concat(prompt);
            ModelReply reply = ctx.chat("teacher", "respond:" + strategy, Inputs.toChatMessages(asked));
            List<Message> kept = new ArrayList<>();
            if (!erase) kept.add(Message.system(strategyPrompt));
            else if (!generic.isBlank()) kept.add(Message.system(generic));
            kept.addAll(prompt.messages());
            kept.add(Message.assistant(reply.text()));
            out.output(ctx.output(new Payload.Chat(new Conversation(kept))).kind("sft").step("respond:" + strategy)
                    .parents(input).template(t).models(reply.modelId()).variant(strategy).build());
        }
    }

    /** The input's own system prompt would compete with the strategy prompt, so it is replaced. */
    private static Conversation withoutSystem(Conversation c) {
        return new Conversation(c.messages().stream().filter(m -> m.role() != Role.SYSTEM).toList());
    }
}
