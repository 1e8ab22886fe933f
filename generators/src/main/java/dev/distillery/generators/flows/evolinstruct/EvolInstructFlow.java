package dev.distillery.generators.flows.evolinstruct;

import dev.distillery.datasets.model.DataRecord;
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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Evol-Instruct (WizardLM): each round rewrites the instruction with one evolution method, in depth (add
 * constraints, deepen, concretize, require more reasoning steps) or in breadth (a new, rarer task in the same
 * domain). A failed evolution is eliminated (reported as {@code Filtered}) and the next round evolves the last
 * good instruction again: it copied the rewriting prompt's wording, it is too short, it is unchanged, or
 * (optionally) a model judges it equal to its parent.
 *
 * <pre>{@code FlowRunner.builder(new EvolInstructFlow()).model("teacher", gpt).setting("rounds", 3).build()}</pre>
 */
public final class EvolInstructFlow extends PerRecordFlow {

    public static final String NAME = "evol-instruct";

    /** In-depth methods with the instruction the rewriter gets; "breadth" uses its own template. */
    static final Map<String, String> DEPTH_METHODS = new LinkedHashMap<>();

    static {
        DEPTH_METHODS.put("add-constraints", "Add one more constraint or requirement to the prompt.");
        DEPTH_METHODS.put("deepening", "If the prompt asks about a specific issue, increase the depth and breadth of the inquiry.");
        DEPTH_METHODS.put("concretizing", "Replace general concepts with more specific concepts.");
        DEPTH_METHODS.put("increase-reasoning", "If the prompt can be solved with a few simple thinking steps, rewrite it to explicitly require multiple-step reasoning.");
    }

    static final String BREADTH = "breadth";
    /** Phrases that show the rewriter leaked its own instructions into the result (WizardLM's elimination rule). */
    private static final List<String> LEAKS = List.of("given prompt", "rewritten prompt", "created prompt", "#rewritten", "#given", "#created");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Evol-Instruct: in-depth and in-breadth evolution of instructions over N rounds, eliminating failed evolutions";
    }

    @Override
    public FlowSignature signature() {
        return new FlowSignature(List.of("text", "chat"), List.of("instruction"), List.of(
                FlowSignature.ModelRole.required("teacher", "rewrites instructions"),
                FlowSignature.ModelRole.withFallback("judge", "decides whether an evolution changed anything (equality-check)", "teacher")));
    }

    @Override
    public List<FlowParameter> parameters() {
        List<String> all = new ArrayList<>(DEPTH_METHODS.keySet());
        all.add(BREADTH);
        return List.of(
                FlowParameter.integer("rounds", "evolution rounds per instruction; every successful round is an output", 1),
                FlowParameter.list("methods", "evolution methods to draw from, uniformly", all, all),
                FlowParameter.bool("equality-check", "ask the judge model whether an evolution is equal to its parent and eliminate it if so", false),
                FlowParameter.integer("min-words", "eliminate evolutions shorter than this", 3));
    }

    @Override
    public void check(FlowSettings s) {
        if (s.integer("rounds") < 1) throw new FlowConfigException("flow '" + NAME + "': setting 'rounds' must be >= 1");
        if (s.list("methods").isEmpty()) throw new FlowConfigException("flow '" + NAME + "': setting 'methods' names no method");
    }

    @Override
    public List<String> rolesUsed(FlowSettings resolved) {
        return resolved.bool("equality-check") ? List.of("teacher", "judge") : List.of("teacher");
    }

    @Override
    public List<TemplateSpec> templates() {
        return List.of(
                new TemplateSpec("in-depth", Map.of("instruction", "Sort a list.", "method", DEPTH_METHODS.get("add-constraints"))),
                new TemplateSpec("in-breadth", Map.of("instruction", "Sort a list.")),
                new TemplateSpec("equality", Map.of("first", "Sort a list.", "second", "Sort a list in place.")));
    }

    @Override
    protected void processOne(DataRecord input, FlowContext ctx, Emitter out) {
        FlowSettings s = ctx.settings();
        List<String> methods = s.list("methods");
        Random random = ctx.random(input.id());
        DataRecord parent = input;
        String current = Inputs.instruction(input).strip();
        for (int round = 1; round <= s.integer("rounds"); round++) {
            String method = methods.get(random.nextInt(methods.size()));
            PromptTemplate t = ctx.template(method.equals(BREADTH) ? "in-breadth" : "in-depth");
            Map<String, Object> vars = method.equals(BREADTH) ? Map.of("instruction", current)
                    : Map.of("instruction", current, "method", DEPTH_METHODS.get(method));
            String step = "evolve:" + method;
            ModelReply reply = ctx.chat("teacher", step, List.of(UserMessage.from(t.render(vars))));
            String evolved = JsonAnswer.text(JsonAnswer.object(reply.text()), "instruction");
            FlowContext.OutputBuilder b = ctx.output(new Payload.Text(evolved)).kind("instruction").step(step)
                    .parents(parent).template(t).models(reply.modelId()).variant(round);
            String failure = eliminate(current, evolved, s.integer("min-words"));
            if (failure == null && s.bool("equality-check")) {
                PromptTemplate eq = ctx.template("equality");
                ModelReply verdict = ctx.chat("judge", "equality", List.of(UserMessage.from(eq.render(Map.of("first", current, "second", evolved)))));
                var equal = JsonAnswer.object(verdict.text()).get("equal");
                if (equal == null || !equal.isBoolean()) throw JsonAnswer.malformed("expected {\"equal\": true|false}, got " + JsonAnswer.abbreviate(verdict.text()));
                if (equal.asBoolean()) failure = "the judge found no information gain over the parent";
                b.template(eq).models(verdict.modelId());
            }
            if (failure != null) {
                // WizardLM puts a failed evolution's parent back into the pool: the next round retries from it.
                out.filtered(b.id(), List.of(parent.id()), step, "eliminated: " + failure);
                continue;
            }
            DataRecord record = b.build();
            out.output(record);
            parent = record;
            current = evolved;
        }
    }

    /** WizardLM's cheap elimination rules; null when the evolution passes. */
    static String eliminate(String parent, String evolved, int minWords) {
        String lower = evolved.toLowerCase(Locale.ROOT);
        for (String leak : LEAKS) if (lower.contains(leak)) return "it copies the rewriting prompt ('" + leak + "')";
        if (evolved.strip().split("\\s+").length < minWords) return "it is shorter than " + minWords + " words";
        if (normalize(evolved).equals(normalize(parent))) return "it is unchanged";
        return null;
    }

    private static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }
}
