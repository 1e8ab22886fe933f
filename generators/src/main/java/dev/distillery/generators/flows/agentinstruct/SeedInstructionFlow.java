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
import dev.distillery.generators.flow.JsonAnswer;
import dev.distillery.generators.flow.ModelReply;
import dev.distillery.generators.flow.PerRecordFlow;
import dev.distillery.generators.template.PromptTemplate;
import dev.distillery.generators.template.TemplateSpec;
import dev.langchain4j.data.message.UserMessage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AgentInstruct flow 2, seed instruction generation: for each (transformed) document, the teacher writes tasks of
 * task types drawn from one skill of the {@link Taxonomy}, with answers. Skills that work on the text (reading
 * comprehension, text editing) put the document in the user turn; the others ask self-contained questions.
 *
 * <pre>{@code FlowRunner.builder(new SeedInstructionFlow()).model("teacher", gpt).setting("skill", "reading-comprehension").build()}</pre>
 */
public final class SeedInstructionFlow extends PerRecordFlow {

    public static final String NAME = "seed-instructions";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "AgentInstruct seed instructions: tasks and answers for task types of a skill from the editable taxonomy";
    }

    @Override
    public FlowSignature signature() {
        return new FlowSignature(List.of("text"), List.of("sft"),
                List.of(FlowSignature.ModelRole.required("teacher", "writes each task and its answer")));
    }

    @Override
    public List<FlowParameter> parameters() {
        return List.of(
                FlowParameter.string("skill", "the taxonomy skill to write tasks for", "reading-comprehension"),
                FlowParameter.list("task-types", "task types to draw from; empty = all of the skill's", List.of(), List.of()),
                FlowParameter.integer("per-input", "tasks per document, each of a different task type", 2),
                FlowParameter.string("taxonomy", "YAML file replacing the built-in taxonomy; empty = built-in", ""));
    }

    @Override
    public void check(FlowSettings s) {
        Taxonomy t = Taxonomy.load(s.string("taxonomy"));
        if (!t.skills().containsKey(s.string("skill"))) {
            throw new FlowConfigException("flow '" + NAME + "': setting 'skill': '" + s.string("skill") + "' is not in "
                    + t.origin() + "; skills: " + String.join(", ", t.skills().keySet()));
        }
        Taxonomy.Skill skill = t.skill(s.string("skill"));
        for (String type : s.list("task-types")) {
            if (!skill.taskTypes().containsKey(type)) {
                throw new FlowConfigException("flow '" + NAME + "': setting 'task-types': '" + type + "' is not a task type of '"
                        + s.string("skill") + "'; known: " + String.join(", ", skill.taskTypes().keySet()));
            }
        }
        if (s.integer("per-input") < 1) throw new FlowConfigException("flow '" + NAME + "': setting 'per-input' must be >= 1");
    }

    @Override
    public List<TemplateSpec> templates() {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("document", "Tides are caused by the moon.");
        vars.put("skill", "reading-comprehension");
        vars.put("skill_description", "Answer questions about a passage.");
        vars.put("task_type", "inference");
        vars.put("task_description", "A question whose answer follows from the passage.");
        vars.put("include_document", true);
        return List.of(new TemplateSpec("generate", vars));
    }

    @Override
    protected void processOne(DataRecord input, FlowContext ctx, Emitter out) {
        Taxonomy taxonomy = ctx.state("taxonomy", () -> Taxonomy.load(ctx.settings().string("taxonomy")));
        String skillName = ctx.settings().string("skill");
        Taxonomy.Skill skill = taxonomy.skill(skillName);
        List<String> types = new ArrayList<>(ctx.settings().list("task-types"));
        if (types.isEmpty()) types.addAll(skill.taskTypes().keySet());
        Collections.shuffle(types, ctx.random(input.id()));
        PromptTemplate t = ctx.template("generate");
        String document = input.payload().text();
        for (String type : types.subList(0, Math.min(ctx.settings().integer("per-input"), types.size()))) {
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("document", document);
            vars.put("skill", skillName);
            vars.put("skill_description", skill.description());
            vars.put("task_type", type);
            vars.put("task_description", skill.taskTypes().get(type));
            vars.put("include_document", skill.includeDocument());
            String step = "seed:" + skillName + "/" + type;
            ModelReply reply = ctx.chat("teacher", step, List.of(UserMessage.from(t.render(vars))));
            JsonNode json = JsonAnswer.object(reply.text());
            String task = JsonAnswer.text(json, "task");
            String answer = JsonAnswer.text(json, "answer");
            String user = skill.includeDocument() ? document + "\n\n" + task : task;
            out.output(ctx.output(new Payload.Chat(Conversation.of(Message.user(user), Message.assistant(answer))))
                    .kind("sft").step(step).parents(input).template(t).models(reply.modelId()).variant(type).build());
        }
    }
}
