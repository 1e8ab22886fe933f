package dev.distillery.generators.flows.agentinstruct;

import dev.distillery.datasets.model.DataRecord;
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
import java.util.List;
import java.util.Map;

/**
 * AgentInstruct flow 1, content transformation: a seed document or chunk becomes another genre (debate, meeting
 * transcript, Q&amp;A notes, poem, ...) that suits a skill better, keeping its facts. The genres and their
 * descriptions come from the {@link Taxonomy}.
 *
 * <pre>{@code FlowRunner.builder(new ContentTransformationFlow()).model("teacher", gpt)
 *         .setting("transformations", List.of("debate", "meeting-transcript")).build().run(chunks, sink)}</pre>
 */
public final class ContentTransformationFlow extends PerRecordFlow {

    public static final String NAME = "content-transformation";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "AgentInstruct content transformation: a document chunk becomes a debate, dialogue, Q&A notes, meeting transcript, ...";
    }

    @Override
    public FlowSignature signature() {
        return new FlowSignature(List.of("text"), List.of("document"),
                List.of(FlowSignature.ModelRole.required("teacher", "rewrites the content into the target genre")));
    }

    @Override
    public List<FlowParameter> parameters() {
        return List.of(
                FlowParameter.list("transformations", "genres to draw from; empty = every genre in the taxonomy", List.of(), List.of()),
                FlowParameter.integer("per-input", "transformations per input, drawn without repetition", 1),
                FlowParameter.string("taxonomy", "YAML file replacing the built-in taxonomy; empty = built-in", ""));
    }

    @Override
    public void check(FlowSettings s) {
        Taxonomy t = Taxonomy.load(s.string("taxonomy"));
        for (String name : s.list("transformations")) {
            if (!t.transformations().containsKey(name)) {
                throw new FlowConfigException("flow '" + NAME + "': setting 'transformations': '" + name + "' is not in "
                        + t.origin() + "; known: " + String.join(", ", t.transformations().keySet()));
            }
        }
        if (s.integer("per-input") < 1) throw new FlowConfigException("flow '" + NAME + "': setting 'per-input' must be >= 1");
    }

    @Override
    public List<TemplateSpec> templates() {
        return List.of(new TemplateSpec("transform", Map.of("document", "Tides are caused by the moon.",
                "transformation", "debate", "description", "A debate between two speakers.")));
    }

    @Override
    protected void processOne(DataRecord input, FlowContext ctx, Emitter out) {
        Taxonomy taxonomy = ctx.state("taxonomy", () -> Taxonomy.load(ctx.settings().string("taxonomy")));
        List<String> names = new ArrayList<>(ctx.settings().list("transformations"));
        if (names.isEmpty()) names.addAll(taxonomy.transformations().keySet());
        Collections.shuffle(names, ctx.random(input.id()));
        PromptTemplate t = ctx.template("transform");
        String seed = input.lineage().seedDocumentId() != null ? input.lineage().seedDocumentId() : input.id();
        for (String name : names.subList(0, Math.min(ctx.settings().integer("per-input"), names.size()))) {
            String step = "transform:" + name;
            ModelReply reply = ctx.chat("teacher", step, List.of(UserMessage.from(t.render(Map.of(
                    "document", input.payload().text(), "transformation", name, "description", taxonomy.transformations().get(name))))));
            String text = JsonAnswer.text(JsonAnswer.object(reply.text()), "text");
            out.output(ctx.output(new Payload.Text(text)).kind("document").step(step).parents(input).seedDocument(seed)
                    .template(t).models(reply.modelId()).variant(name).build());
        }
    }
}
