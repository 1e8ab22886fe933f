package dev.distillery.generators.flows.preference;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.Emitter;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConfigException;
import dev.distillery.generators.flow.FlowContext;
import dev.distillery.generators.flow.FlowParameter;
import dev.distillery.generators.flow.FlowSettings;
import dev.distillery.generators.flow.FlowSignature;
import dev.distillery.generators.flow.Inputs;
import dev.distillery.generators.flow.ModelReply;
import dev.distillery.generators.model.ModelCallException;
import dev.distillery.generators.template.TemplateSpec;
import dev.langchain4j.model.chat.request.ChatRequest;

import java.util.List;

/**
 * Candidates for preference pairs: N sampled answers per prompt from each listed model role (teacher, a local
 * student, any other configured role). Judges score them and a selection policy pairs them afterwards. Each sample
 * stands alone: a failed sample is one dead letter, the others are kept.
 *
 * <pre>{@code FlowRunner.builder(new PreferenceCandidatesFlow()).model("teacher", gpt).model("student", local)
 *         .setting("roles", List.of("teacher", "student")).setting("samples", 2).build()}</pre>
 */
public final class PreferenceCandidatesFlow implements Flow {

    public static final String NAME = "preference-candidates";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "N sampled answers per prompt from one or several models (teacher, local student, ...) for judging and pairing";
    }

    @Override
    public FlowSignature signature() {
        return new FlowSignature(List.of("text", "chat"), List.of("candidate"), List.of(
                FlowSignature.ModelRole.required("teacher", "samples answers (default role)"),
                FlowSignature.ModelRole.optional("student", "samples answers when listed in 'roles' (e.g. the local student)")));
    }

    @Override
    public List<FlowParameter> parameters() {
        return List.of(
                FlowParameter.integer("samples", "answers sampled per prompt from each role", 4),
                FlowParameter.list("roles", "model roles to sample from", List.of("teacher"), List.of()),
                FlowParameter.number("temperature", "sampling temperature sent with each request", 1.0));
    }

    @Override
    public void check(FlowSettings s) {
        if (s.integer("samples") < 1) throw new FlowConfigException("flow '" + NAME + "': setting 'samples' must be >= 1");
        if (s.list("roles").isEmpty()) throw new FlowConfigException("flow '" + NAME + "': setting 'roles' names no role");
    }

    @Override
    public List<String> rolesUsed(FlowSettings resolved) {
        return resolved.list("roles");
    }

    @Override
    public List<TemplateSpec> templates() {
        return List.of();
    }

    @Override
    public void process(List<DataRecord> batch, FlowContext ctx, Emitter out) {
        int samples = ctx.settings().integer("samples");
        double temperature = ctx.settings().number("temperature");
        for (DataRecord input : batch) {
            Conversation prompt;
            try {
                prompt = Inputs.prompt(input);
            } catch (ModelCallException e) {
                out.failed(ctx.deadLetter(input.id(), "sample", e.kind(), e.getMessage()));
                continue;
            }
            for (String role : ctx.settings().list("roles")) {
                for (int i = 0; i < samples; i++) {
                    try {
                        ModelReply reply = ctx.chat(role, "sample", ChatRequest.builder()
                                .messages(Inputs.toChatMessages(prompt)).temperature(temperature).build());
                        Conversation c = prompt.concat(Conversation.of(Message.assistant(reply.text())));
                        out.output(ctx.output(new Payload.Chat(c)).kind("candidate").step("sample").parents(input)
                                .models(reply.modelId()).variant(role + "#" + i).build());
                    } catch (ModelCallException e) {
                        out.failed(ctx.deadLetter(input.id(), e));
                    }
                }
            }
        }
    }
}
