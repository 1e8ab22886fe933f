package dev.distillery.orchestrator.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;

/**
 * Generates the JSON Schema of pipeline specs from the same declarations the validator uses (common keys, providers,
 * each stage kind's settings), so the shipped schema cannot drift from what the validator accepts.
 */
final class SpecSchema {
    private SpecSchema() {
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    static ObjectNode generate(Collection<StageKind> kinds) {
        ObjectNode root = F.objectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$id", "https://distillery.dev/schema/pipeline.schema.json");
        root.put("title", "Distillery pipeline spec");
        root.put("type", "object");
        root.putArray("required").add("name").add("stages");
        root.put("additionalProperties", false);
        ObjectNode props = root.putObject("properties");
        prop(props, "name", "string", "The pipeline's name; runs are listed by it.");
        prop(props, "seed", "integer", "Default seed of every stage.");
        ObjectNode models = props.putObject("models");
        models.put("type", "object");
        models.put("description", "Models by name; stages refer to them in their `models` map.");
        models.set("additionalProperties", modelSchema());
        ObjectNode stages = props.putObject("stages");
        stages.put("type", "array");
        stages.put("minItems", 1);
        stages.set("items", stageSchema(kinds));
        return root;
    }

    private static ObjectNode modelSchema() {
        ObjectNode m = F.objectNode();
        m.put("type", "object");
        m.putArray("required").add("provider");
        m.put("additionalProperties", false);
        ObjectNode p = m.putObject("properties");
        ObjectNode provider = prop(p, "provider", "string", "Where the model runs.");
        ArrayNode e = provider.putArray("enum");
        SpecValidator.PROVIDERS.forEach(e::add);
        prop(p, "base_url", "string", "Endpoint (openai-compatible, ollama).").put("format", "uri");
        prop(p, "model", "string", "Model id at the provider.");
        prop(p, "api_key_env", "string", "Environment variable holding the API key; never the key itself.");
        prop(p, "path", "string", "Model directory (local).");
        prop(p, "adapter", "string", "PEFT LoRA adapter directory (local).");
        prop(p, "parameters", "object", "Default request parameters: temperature, top_p, max_tokens, seed, ...");
        ObjectNode price = prop(p, "price", "object", "USD per million tokens, for cost accounting.");
        price.put("additionalProperties", false);
        ObjectNode pp = price.putObject("properties");
        prop(pp, "input_per_million", "number", "USD per million input tokens.").put("minimum", 0);
        prop(pp, "output_per_million", "number", "USD per million output tokens.").put("minimum", 0);
        prop(p, "max_concurrency", "integer", "Most requests in flight to this model.").put("minimum", 1);
        prop(p, "initial_concurrency", "integer", "Requests in flight at the start (AIMD grows from here to max_concurrency;"
                + " default min(8, max_concurrency)).").put("minimum", 1);
        return m;
    }

    private static ObjectNode stageSchema(Collection<StageKind> kinds) {
        ObjectNode s = F.objectNode();
        s.put("type", "object");
        s.putArray("required").add("name").add("kind");
        ObjectNode p = s.putObject("properties");
        prop(p, "name", "string", "Unique stage name (a directory name).").put("pattern", "^[a-z0-9][a-z0-9_-]*$");
        ObjectNode kind = prop(p, "kind", "string", "What the stage does.");
        ArrayNode e = kind.putArray("enum");
        kinds.forEach(k -> e.add(k.name()));
        ObjectNode inputs = p.putObject("inputs");
        inputs.put("description", "Stages whose output this stage reads.");
        ArrayNode any = inputs.putArray("anyOf");
        any.addObject().put("type", "string");
        any.addObject().put("type", "array").putObject("items").put("type", "string");
        ObjectNode models = prop(p, "models", "object", "Role -> model name, e.g. {teacher: gpt}.");
        models.putObject("additionalProperties").put("type", "string");
        prop(p, "concurrency", "integer", "Most records in flight.").put("minimum", 1);
        prop(p, "batch", "integer", "Records per batch handed to a flow or judge.").put("minimum", 1);
        ObjectNode budget = prop(p, "budget", "object", "Limits; the stage stops cleanly at the first reached.");
        budget.put("additionalProperties", false);
        ObjectNode bp = budget.putObject("properties");
        prop(bp, "calls", "integer", "Most model calls.").put("minimum", 1);
        prop(bp, "tokens", "integer", "Most tokens, input and output.").put("minimum", 1);
        prop(bp, "cost_usd", "number", "Most cost in USD.").put("exclusiveMinimum", 0);
        prop(p, "target", "integer", "Stop once this many records were accepted downstream.").put("minimum", 1);
        prop(p, "seed", "integer", "This stage's seed.");
        ObjectNode out = prop(p, "output", "object", "Format and optional extra path of the stage's output.");
        out.put("additionalProperties", false);
        ObjectNode op = out.putObject("properties");
        prop(op, "format", "string", "Record format name.");
        prop(op, "path", "string", "Extra copy of the output.");
        // Each kind adds its own keys; unevaluatedProperties rejects everything neither common nor the kind's.
        ArrayNode all = s.putArray("allOf");
        for (StageKind k : kinds) {
            ObjectNode branch = all.addObject();
            branch.putObject("if").putObject("properties").putObject("kind").put("const", k.name());
            ObjectNode then = branch.putObject("then");
            then.put("description", k.description());
            ObjectNode tp = then.putObject("properties");
            ArrayNode req = F.arrayNode();
            for (StageKind.Setting st : k.settings()) {
                ObjectNode sp = tp.putObject(st.name());
                if (st.type() == StageKind.ValueType.STRING_LIST) {
                    ArrayNode a = sp.putArray("anyOf");
                    a.addObject().put("type", "string");
                    a.addObject().put("type", "array").putObject("items").put("type", "string");
                } else if (st.type().jsonType() != null) {
                    sp.put("type", st.type().jsonType());
                }
                sp.put("description", st.description());
                if (!st.choices().isEmpty()) {
                    ArrayNode en = sp.putArray("enum");
                    st.choices().forEach(en::add);
                }
                if (st.required()) req.add(st.name());
            }
            if (!req.isEmpty()) then.set("required", req);
        }
        s.put("unevaluatedProperties", false);
        return s;
    }

    private static ObjectNode prop(ObjectNode props, String name, String type, String description) {
        ObjectNode p = props.putObject(name);
        p.put("type", type);
        p.put("description", description);
        return p;
    }
}
