package dev.distillery.generators.flows.conversation;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Role;
import dev.distillery.generators.flow.Emitter;
import dev.distillery.generators.flow.FlowConfigException;
import dev.distillery.generators.flow.FlowContext;
import dev.distillery.generators.flow.FlowParameter;
import dev.distillery.generators.flow.FlowSettings;
import dev.distillery.generators.flow.FlowSignature;
import dev.distillery.generators.flow.Inputs;
import dev.distillery.generators.flow.ModelReply;
import dev.distillery.generators.flow.PerRecordFlow;
import dev.distillery.generators.template.PromptTemplate;
import dev.distillery.generators.template.TemplateSpec;
import dev.langchain4j.data.message.UserMessage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Multi-turn conversations: a user simulator and an assistant take turns for N exchanges. The input is a topic or
 * the opening user message (text), or a conversation to continue (chat). The simulator sees the conversation so far
 * through a template; the assistant sees only the conversation, as a real assistant would.
 *
 * <pre>{@code FlowRunner.builder(new MultiTurnFlow()).model("teacher", gpt).setting("turns", 3).build()}</pre>
 */
public final class MultiTurnFlow extends PerRecordFlow {

    public static final String NAME = "multi-turn";
    private static final Pattern SPEAKER_PREFIX = Pattern.compile("^(?i)(user|human)\\s*:\\s*");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Multi-turn conversations between a simulated user and an assistant, N exchanges each";
    }

    @Override
    public FlowSignature signature() {
        return new FlowSignature(List.of("text", "chat"), List.of("sft"), List.of(
                FlowSignature.ModelRole.optional("teacher", "default model for both sides"),
                FlowSignature.ModelRole.withFallback("assistant", "answers each user turn", "teacher"),
                FlowSignature.ModelRole.withFallback("user-simulator", "writes the user's turns", "teacher")));
    }

    @Override
    public List<FlowParameter> parameters() {
        return List.of(
                FlowParameter.integer("turns", "user/assistant exchanges per conversation", 3),
                FlowParameter.choice("opening", "whether a text input is the first user message or a topic the simulator opens on",
                        "input", List.of("input", "simulate")),
                FlowParameter.string("system-prompt", "system prompt for the assistant and the record; empty for none", ""));
    }

    @Override
    public void check(FlowSettings s) {
        if (s.integer("turns") < 1) throw new FlowConfigException("flow '" + NAME + "': setting 'turns' must be >= 1");
    }

    @Override
    public List<TemplateSpec> templates() {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("topic", "tides");
        vars.put("conversation", List.of(Map.of("role", "user", "content", "Why are there tides?"),
                Map.of("role", "assistant", "content", "Mostly the moon's gravity.")));
        vars.put("turn", 2);
        vars.put("turns", 3);
        return List.of(new TemplateSpec("user-turn", vars));
    }

    @Override
    protected void processOne(DataRecord input, FlowContext ctx, Emitter out) {
        int turns = ctx.settings().integer("turns");
        String system = ctx.settings().string("system-prompt");
        PromptTemplate userTurn = ctx.template("user-turn");
        List<Message> messages = new ArrayList<>();
        if (!system.isBlank()) messages.add(Message.system(system));
        String topic;
        if (input.payload() instanceof Payload.Text t) {
            topic = t.text();
            if (ctx.settings().string("opening").equals("input")) messages.add(Message.user(t.text()));
        } else {
            Conversation given = Inputs.prompt(input);
            topic = given.userText();
            for (Message m : given.messages()) if (system.isBlank() || m.role() != Role.SYSTEM) messages.add(m);
        }
        Set<String> models = new TreeSet<>();
        int exchanges = 0;
        while (exchanges < turns) {
            if (messages.isEmpty() || messages.getLast().role() != Role.USER) {
                ModelReply u = ctx.chat("user-simulator", "user-turn", List.of(UserMessage.from(userTurn.render(Map.of(
                        "topic", topic, "conversation", visible(messages), "turn", exchanges + 1, "turns", turns)))));
                models.add(u.modelId());
                messages.add(Message.user(SPEAKER_PREFIX.matcher(u.text().strip()).replaceFirst("")));
            }
            ModelReply a = ctx.chat("assistant", "assistant-turn", Inputs.toChatMessages(new Conversation(messages)));
            models.add(a.modelId());
            messages.add(Message.assistant(a.text().strip()));
            exchanges++;
        }
        out.output(ctx.output(new Payload.Chat(new Conversation(messages))).kind("sft").step("conversation")
                .parents(input).template(userTurn).models(List.copyOf(models)).build());
    }

    /** The turns the simulator is shown: user and assistant only. */
    private static List<Map<String, String>> visible(List<Message> messages) {
        return messages.stream().filter(m -> m.role() == Role.USER || m.role() == Role.ASSISTANT)
                .map(m -> Map.of("role", m.role().wireName(), "content", m.content())).toList();
    }
}
