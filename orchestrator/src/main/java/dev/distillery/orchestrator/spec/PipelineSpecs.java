package dev.distillery.orchestrator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one entry point for pipeline specs: read and validate YAML, build in Java, write back as YAML, and the JSON
 * Schema editors use. A YAML file and the builder produce the same {@link PipelineSpec}.
 *
 * <pre>{@code
 * PipelineSpec spec = PipelineSpecs.read(Path.of("examples/sandbox.yaml"), SpecCatalog.offline());
 * PipelineSpec same = PipelineSpecs.builder("demo")
 *         .model("teacher", new ModelSpec("openai", null, "gpt-4o-mini", "OPENAI_API_KEY", null, null, null, null, null))
 *         .stage(StageSpec.builder("seeds", "source").set("path", "seeds.jsonl"))
 *         .build(SpecCatalog.offline());
 * String yaml = PipelineSpecs.toYaml(same);
 * }</pre>
 */
public final class PipelineSpecs {
    private PipelineSpecs() {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    /** Reads and validates {@code file}; a {@link SpecException} lists every problem with its line. */
    public static PipelineSpec read(Path file, SpecCatalog catalog) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SpecException(file.toString(), List.of(new SpecProblem("", 0, "no such file")));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString(), catalog);
    }

    /** Parses and validates YAML text; {@code file} names it in messages (may be null). */
    public static PipelineSpec parse(String yaml, String file, SpecCatalog catalog) {
        YamlTree tree = YamlTree.parse(yaml, file);
        SpecReader reader = new SpecReader();
        PipelineSpec spec = reader.read(tree);
        List<SpecProblem> problems = new ArrayList<>(reader.problems);
        problems.addAll(new SpecValidator(catalog, reader.lines).validate(spec));
        if (!problems.isEmpty()) {
            problems.sort(java.util.Comparator.comparingInt(SpecProblem::line));
            throw new SpecException(file, problems);
        }
        return spec;
    }

    /**
     * The spec with {@code KEY=VALUE} overrides applied (what {@code distillery run --set} does), validated again. A key
     * starts with a stage or model name, or a top-level field: {@code plan.mode=uniform},
     * {@code sft.inputs=[answers]}, {@code teacher.parameters.error_rate=0.3}, {@code seed=7}. Values are YAML.
     */
    public static PipelineSpec override(PipelineSpec spec, String file, List<String> sets, SpecCatalog catalog) {
        if (sets == null || sets.isEmpty()) return spec;
        ObjectNode tree;
        try {
            tree = (ObjectNode) YAML.readTree(toYaml(spec));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<SpecProblem> problems = new ArrayList<>();
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                problems.add(new SpecProblem(set, 0, "--set expects KEY=VALUE, e.g. plan.mode=uniform"));
                continue;
            }
            String[] path = set.substring(0, eq).trim().split("\\.");
            JsonNode value;
            try {
                value = YAML.readTree(set.substring(eq + 1));
            } catch (IOException e) {
                problems.add(new SpecProblem(set, 0, "--set: the value is not YAML: " + e.getMessage()));
                continue;
            }
            ObjectNode target = null;
            int from = 1;
            for (JsonNode st : tree.withArray("stages")) {
                if (st.path("name").asText().equals(path[0])) target = (ObjectNode) st;
            }
            if (target == null && tree.path("models").has(path[0])) target = (ObjectNode) tree.get("models").get(path[0]);
            if (target == null && path.length == 1 && List.of("name", "seed").contains(path[0])) {
                target = tree;
                from = 0;
            }
            if (target == null || from >= path.length) {
                java.util.Set<String> known = new java.util.LinkedHashSet<>();
                spec.stages().forEach(st -> known.add(st.name()));
                known.addAll(spec.models().keySet());
                problems.add(new SpecProblem(set, 0, "--set: '" + path[0] + "' is no stage or model of the spec"
                        + dev.distillery.datasets.spi.Names.didYouMean(path[0], known) + " (stages and models: "
                        + String.join(", ", known) + ")"));
                continue;
            }
            for (int i = from; i < path.length - 1; i++) target = target.with(path[i]);
            target.set(path[path.length - 1], value);
        }
        if (!problems.isEmpty()) throw new SpecException(file, problems);
        try {
            return parse(YAML.writeValueAsString(tree), file + " (with --set " + String.join(" ", sets) + ")", catalog);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every problem of a spec built in Java (no lines); empty when it can run. */
    public static List<SpecProblem> problems(PipelineSpec spec, SpecCatalog catalog) {
        return new SpecValidator(catalog, null).validate(spec);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Fluent construction of a pipeline in Java (scripted runs, tests); validated by {@link #build}. */
    public static final class Builder {
        private final String name;
        private Long seed;
        private final Map<String, ModelSpec> models = new LinkedHashMap<>();
        private final List<StageSpec> stages = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder model(String modelName, ModelSpec model) {
            models.put(modelName, model);
            return this;
        }

        public Builder stage(StageSpec.Builder stage) {
            stages.add(stage.build());
            return this;
        }

        public Builder stage(StageSpec stage) {
            stages.add(stage);
            return this;
        }

        /** The spec, or a {@link SpecException} with every problem. */
        public PipelineSpec build(SpecCatalog catalog) {
            PipelineSpec spec = new PipelineSpec(name, seed, models, stages);
            List<SpecProblem> problems = problems(spec, catalog);
            if (!problems.isEmpty()) throw new SpecException(null, problems);
            return spec;
        }
    }

    /** The spec as YAML that {@link #parse} reads back to an equal spec. */
    public static String toYaml(PipelineSpec spec) {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("name", spec.name());
        if (spec.seed() != null) top.put("seed", spec.seed());
        if (!spec.models().isEmpty()) {
            Map<String, Object> models = new LinkedHashMap<>();
            spec.models().forEach((n, m) -> models.put(n, modelMap(m)));
            top.put("models", models);
        }
        List<Object> stages = new ArrayList<>();
        for (StageSpec s : spec.stages()) stages.add(stageMap(s));
        top.put("stages", stages);
        try {
            return YAML.writeValueAsString(top);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> modelMap(ModelSpec m) {
        Map<String, Object> o = new LinkedHashMap<>();
        putIf(o, "provider", m.provider());
        putIf(o, "base_url", m.baseUrl());
        putIf(o, "model", m.model());
        putIf(o, "api_key_env", m.apiKeyEnv());
        putIf(o, "path", m.path());
        putIf(o, "adapter", m.adapter());
        if (!m.parameters().isEmpty()) o.put("parameters", m.parameters());
        if (m.price() != null) {
            o.put("price", Map.of("input_per_million", m.price().inputPerMillion(),
                    "output_per_million", m.price().outputPerMillion()));
        }
        putIf(o, "max_concurrency", m.maxConcurrency());
        putIf(o, "initial_concurrency", m.initialConcurrency());
        return o;
    }

    private static Map<String, Object> stageMap(StageSpec s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", s.name());
        o.put("kind", s.kind());
        if (!s.inputs().isEmpty()) o.put("inputs", s.inputs());
        o.putAll(s.settings());
        if (!s.models().isEmpty()) o.put("models", s.models());
        putIf(o, "concurrency", s.concurrency());
        putIf(o, "batch", s.batch());
        if (s.budget() != null) {
            Map<String, Object> b = new LinkedHashMap<>();
            putIf(b, "calls", s.budget().calls());
            putIf(b, "tokens", s.budget().tokens());
            putIf(b, "cost_usd", s.budget().costUsd());
            o.put("budget", b);
        }
        putIf(o, "target", s.target());
        putIf(o, "seed", s.seed());
        if (s.output() != null) {
            Map<String, Object> out = new LinkedHashMap<>();
            putIf(out, "format", s.output().format());
            putIf(out, "path", s.output().path());
            o.put("output", out);
        }
        return o;
    }

    private static void putIf(Map<String, Object> m, String k, Object v) {
        if (v != null) m.put(k, v);
    }

    /** The JSON Schema (2020-12) of pipeline specs, for editors; shipped as {@code pipeline.schema.json}. */
    public static ObjectNode schema() {
        return SpecSchema.generate(StageKinds.all().values());
    }
}
