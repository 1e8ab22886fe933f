package dev.distillery.generators.flows.selfinstruct;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.Emitter;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConfigException;
import dev.distillery.generators.flow.FlowContext;
import dev.distillery.generators.flow.FlowParameter;
import dev.distillery.generators.flow.FlowSettings;
import dev.distillery.generators.flow.FlowSignature;
import dev.distillery.generators.flow.Inputs;
import dev.distillery.generators.flow.JsonAnswer;
import dev.distillery.generators.flow.ModelReply;
import dev.distillery.generators.model.ModelCallException;
import dev.distillery.generators.template.PromptTemplate;
import dev.distillery.generators.template.TemplateSpec;
import dev.langchain4j.data.message.UserMessage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Self-Instruct: each batch of seed tasks (plus a few tasks generated earlier) is shown to the teacher as examples,
 * and it writes new tasks. A new task is kept only when its ROUGE-L to every task seen so far, seeds included, is
 * at most {@code rouge-threshold}; tasks that are too short or too long are dropped too. Dropped tasks are
 * {@code Filtered} results with the reason.
 *
 * <pre>{@code FlowRunner.builder(new SelfInstructFlow()).model("teacher", gpt).setting("new-tasks", 8).build().run(seeds, sink)}</pre>
 */
public final class SelfInstructFlow implements Flow {

    public static final String NAME = "self-instruct";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Self-Instruct: seed tasks -> new tasks, kept only when novel (ROUGE-L to every known task below a threshold)";
    }

    @Override
    public FlowSignature signature() {
        return new FlowSignature(List.of("text", "chat"), List.of("instruction"),
                List.of(FlowSignature.ModelRole.required("teacher", "writes new tasks from example tasks")));
    }

    @Override
    public List<FlowParameter> parameters() {
        return List.of(
                FlowParameter.integer("new-tasks", "new tasks requested per batch", 8),
                FlowParameter.integer("generated-examples", "earlier generated tasks mixed into the examples (Self-Instruct uses 2 of 8)", 2),
                FlowParameter.number("rouge-threshold", "drop a new task whose ROUGE-L to any known task is above this", 0.7),
                FlowParameter.integer("min-words", "drop new tasks shorter than this", 3),
                FlowParameter.integer("max-words", "drop new tasks longer than this", 150));
    }

    @Override
    public void check(FlowSettings s) {
        double t = s.number("rouge-threshold");
        if (t <= 0 || t > 1) throw new FlowConfigException("flow '" + NAME + "': setting 'rouge-threshold' must be in (0, 1], got " + t);
        if (s.integer("new-tasks") < 1) throw new FlowConfigException("flow '" + NAME + "': setting 'new-tasks' must be >= 1");
    }

    /** The novelty filter compares against every task kept so far, so batches run one at a time. */
    @Override
    public int maxConcurrency() {
        return 1;
    }

    @Override
    public List<TemplateSpec> templates() {
        return List.of(new TemplateSpec("generate", Map.of("examples", List.of("Write a haiku about autumn.", "Sort these numbers."), "count", 4)));
    }

    /** Every task seen in the run, as tokens, plus the generated ones for examples. */
    static final class TaskPool {
        final List<String[]> known = new ArrayList<>();
        final List<String> generated = new ArrayList<>();

        /** The known task most similar to {@code tokens}, with its score. */
        Map.Entry<Double, Integer> closest(String[] tokens) {
            double best = 0;
            int at = -1;
            for (int i = 0; i < known.size(); i++) {
                double f = RougeL.f1(tokens, known.get(i));
                if (f > best) {
                    best = f;
                    at = i;
                }
            }
            return Map.entry(best, at);
        }
    }

    @Override
    public void process(List<DataRecord> batch, FlowContext ctx, Emitter out) {
        TaskPool pool = ctx.state("self-instruct.pool", TaskPool::new);
        List<DataRecord> seeds = new ArrayList<>();
        List<String> seedTasks = new ArrayList<>();
        for (DataRecord r : batch) {
            try {
                String task = Inputs.instruction(r).strip();
                seeds.add(r);
                seedTasks.add(task);
                pool.known.add(RougeL.tokens(task));
            } catch (ModelCallException e) {
                out.failed(ctx.deadLetter(r.id(), "generate", e.kind(), e.getMessage()));
            }
        }
        if (seeds.isEmpty()) return;
        FlowSettings s = ctx.settings();
        Random random = ctx.random(seeds.getFirst().id());
        List<String> examples = new ArrayList<>(seedTasks);
        List<String> earlier = new ArrayList<>(pool.generated);
        Collections.shuffle(earlier, random);
        examples.addAll(earlier.subList(0, Math.min(s.integer("generated-examples"), earlier.size())));
        Collections.shuffle(examples, random);

        PromptTemplate t = ctx.template("generate");
        List<String> candidates;
        String modelId;
        try {
            ModelReply reply = ctx.chat("teacher", "generate", List.of(UserMessage.from(
                    t.render(Map.of("examples", examples, "count", s.integer("new-tasks"))))));
            candidates = parse(JsonAnswer.array(reply.text()));
            modelId = reply.modelId();
        } catch (ModelCallException e) {
            // The whole batch shared the one call, so each of its seeds gets the dead letter.
            for (DataRecord r : seeds) out.failed(ctx.deadLetter(r.id(), e));
            return;
        }
        List<String> parents = seeds.stream().map(DataRecord::id).toList();
        for (int i = 0; i < candidates.size(); i++) {
            String task = candidates.get(i);
            FlowContext.OutputBuilder b = ctx.output(new Payload.Text(task)).kind("instruction").step("generate")
                    .parents(seeds).template(t).models(modelId).variant(i);
            String[] tokens = RougeL.tokens(task);
            if (tokens.length < s.integer("min-words") || tokens.length > s.integer("max-words")) {
                out.filtered(b.id(), parents, "generate", "length " + tokens.length + " words is outside ["
                        + s.integer("min-words") + ", " + s.integer("max-words") + "]");
                continue;
            }
            Map.Entry<Double, Integer> closest = pool.closest(tokens);
            if (closest.getKey() > s.number("rouge-threshold")) {
                out.filtered(b.id(), parents, "generate", String.format(java.util.Locale.ROOT,
                        "not novel: ROUGE-L %.2f to a known task (threshold %.2f)", closest.getKey(), s.number("rouge-threshold")));
                continue;
            }
            pool.known.add(tokens);
            pool.generated.add(task);
            out.output(b.build());
        }
    }

    /** Strings, or objects with an {@code instruction} field (models often answer that way). */
    private static List<String> parse(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (n.isTextual() && !n.asText().isBlank()) out.add(n.asText().strip());
            else if (n.isObject() && n.path("instruction").isTextual() && !n.path("instruction").asText().isBlank()) {
                out.add(n.path("instruction").asText().strip());
            }
        }
        if (out.isEmpty()) {
            throw JsonAnswer.malformed("expected a JSON array of task strings, got " + JsonAnswer.abbreviate(array.toString()));
        }
        return out;
    }
}
