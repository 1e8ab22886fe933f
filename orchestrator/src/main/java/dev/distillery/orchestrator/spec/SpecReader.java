package dev.distillery.orchestrator.spec;

import dev.distillery.datasets.spi.Names;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link YamlTree} into a {@link PipelineSpec}, collecting every type problem instead of stopping at the
 * first, and remembering the line of every path for the validator's messages.
 */
final class SpecReader {

    static final Set<String> TOP_KEYS = Set.of("name", "seed", "models", "stages");
    static final Set<String> MODEL_KEYS = Set.of("provider", "base_url", "model", "api_key_env", "path", "adapter",
            "parameters", "price", "max_concurrency", "initial_concurrency");
    /** Keys every stage may have; anything else is a setting of its kind. */
    static final Set<String> STAGE_KEYS = Set.of("name", "kind", "inputs", "models", "concurrency", "batch", "budget",
            "target", "seed", "output");

    final List<SpecProblem> problems = new ArrayList<>();
    final Map<String, Integer> lines = new HashMap<>();

    PipelineSpec read(YamlTree root) {
        if (!(root instanceof YamlTree.Mapping top)) {
            problems.add(new SpecProblem("", root.line(), "expected a mapping with name, models and stages"));
            return new PipelineSpec(null, null, null, null);
        }
        unknownKeys(top, "", TOP_KEYS);
        String name = string(top, "name", "");
        Long seed = integer(top, "seed", "");
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        YamlTree m = top.entries().get("models");
        if (m instanceof YamlTree.Mapping mm) {
            mm.entries().forEach((k, v) -> models.put(k, model(v, "models." + k, mm.keyLines().get(k))));
        } else if (m != null && !isNull(m)) {
            problems.add(new SpecProblem("models", m.line(), "expected a mapping of model names to models"));
        }
        List<StageSpec> stages = new ArrayList<>();
        YamlTree s = top.entries().get("stages");
        if (s instanceof YamlTree.Sequence seq) {
            for (int i = 0; i < seq.items().size(); i++) stages.add(stage(seq.items().get(i), "stages[" + i + "]"));
        } else if (s != null && !isNull(s)) {
            problems.add(new SpecProblem("stages", s.line(), "expected a list of stages"));
        }
        return new PipelineSpec(name, seed, models, stages);
    }

    private ModelSpec model(YamlTree t, String path, int line) {
        lines.put(path, line);
        if (!(t instanceof YamlTree.Mapping m)) {
            problems.add(new SpecProblem(path, t.line(), "expected a mapping (provider, model, ...)"));
            return new ModelSpec(null, null, null, null, null, null, null, null, null);
        }
        unknownKeys(m, path, MODEL_KEYS);
        ModelSpec.Price price = null;
        YamlTree p = m.entries().get("price");
        if (p instanceof YamlTree.Mapping pm) {
            unknownKeys(pm, path + ".price", Set.of("input_per_million", "output_per_million"));
            Double in = number(pm, "input_per_million", path + ".price");
            Double out = number(pm, "output_per_million", path + ".price");
            price = new ModelSpec.Price(in == null ? 0 : in, out == null ? 0 : out);
        } else if (p != null) {
            problems.add(new SpecProblem(path + ".price", p.line(), "expected {input_per_million, output_per_million}"));
        }
        Long conc = integer(m, "max_concurrency", path);
        Long initial = integer(m, "initial_concurrency", path);
        return new ModelSpec(string(m, "provider", path), string(m, "base_url", path), string(m, "model", path),
                string(m, "api_key_env", path), string(m, "path", path), string(m, "adapter", path),
                object(m, "parameters", path), price, conc == null ? null : conc.intValue(),
                initial == null ? null : initial.intValue());
    }

    private StageSpec stage(YamlTree t, String path) {
        lines.put(path, t.line());
        if (!(t instanceof YamlTree.Mapping m)) {
            problems.add(new SpecProblem(path, t.line(), "expected a mapping with name and kind"));
            return new StageSpec(null, null, null, null, null, null, null, null, null, null, null);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        m.entries().forEach((k, v) -> {
            String child = path + "." + k;
            lines.put(child, m.keyLines().get(k));
            if (!STAGE_KEYS.contains(k)) settings.put(k, YamlTree.plain(v));
        });
        List<String> inputs = stringList(m, "inputs", path);
        Map<String, String> models = new LinkedHashMap<>();
        YamlTree mt = m.entries().get("models");
        if (mt instanceof YamlTree.Mapping mm) {
            mm.entries().forEach((role, v) -> {
                lines.put(path + ".models." + role, mm.keyLines().get(role));
                if (v instanceof YamlTree.Scalar sc && sc.kind() == YamlTree.Scalar.Kind.STRING) models.put(role, sc.text());
                else problems.add(new SpecProblem(path + ".models." + role, v.line(), "expected a model name"));
            });
        } else if (mt != null) {
            problems.add(new SpecProblem(path + ".models", mt.line(), "expected a mapping of roles to model names, "
                    + "e.g. {teacher: gpt}"));
        }
        StageSpec.Budget budget = null;
        YamlTree b = m.entries().get("budget");
        if (b instanceof YamlTree.Mapping bm) {
            unknownKeys(bm, path + ".budget", Set.of("calls", "tokens", "cost_usd"));
            budget = new StageSpec.Budget(integer(bm, "calls", path + ".budget"), integer(bm, "tokens", path + ".budget"),
                    number(bm, "cost_usd", path + ".budget"));
        } else if (b != null) {
            problems.add(new SpecProblem(path + ".budget", b.line(), "expected {calls, tokens, cost_usd}"));
        }
        StageSpec.Output output = null;
        YamlTree o = m.entries().get("output");
        if (o instanceof YamlTree.Mapping om) {
            unknownKeys(om, path + ".output", Set.of("format", "path"));
            output = new StageSpec.Output(string(om, "format", path + ".output"), string(om, "path", path + ".output"));
        } else if (o != null) {
            problems.add(new SpecProblem(path + ".output", o.line(), "expected {format, path}"));
        }
        Long conc = integer(m, "concurrency", path);
        Long batch = integer(m, "batch", path);
        Long target = integer(m, "target", path);
        return new StageSpec(string(m, "name", path), string(m, "kind", path), inputs, models,
                conc == null ? null : conc.intValue(), batch == null ? null : batch.intValue(), budget,
                target == null ? null : target.intValue(), integer(m, "seed", path), output, settings);
    }

    // ---- typed field access: a wrong type is a problem, and the field reads as absent -----------------------------

    private void unknownKeys(YamlTree.Mapping m, String path, Set<String> known) {
        for (String k : m.entries().keySet()) {
            if (!known.contains(k)) {
                problems.add(new SpecProblem(join(path, k), m.keyLines().get(k), "unknown field"
                        + Names.didYouMean(k, known) + (Names.closest(k, known) == null
                        ? " (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")" : "")));
            }
        }
    }

    private String string(YamlTree.Mapping m, String key, String path) {
        YamlTree t = m.entries().get(key);
        if (t == null || isNull(t)) return null;
        if (t instanceof YamlTree.Scalar s && s.kind() != YamlTree.Scalar.Kind.NULL) {
            lines.put(join(path, key), t.line());
            return s.text();
        }
        problems.add(new SpecProblem(join(path, key), t.line(), "expected a string"));
        return null;
    }

    private Long integer(YamlTree.Mapping m, String key, String path) {
        YamlTree t = m.entries().get(key);
        if (t == null || isNull(t)) return null;
        lines.put(join(path, key), t.line());
        if (t instanceof YamlTree.Scalar s && s.kind() == YamlTree.Scalar.Kind.INT) return (Long) s.value();
        problems.add(new SpecProblem(join(path, key), t.line(), "expected a whole number, got " + describe(t)));
        return null;
    }

    private Double number(YamlTree.Mapping m, String key, String path) {
        YamlTree t = m.entries().get(key);
        if (t == null || isNull(t)) return null;
        lines.put(join(path, key), t.line());
        if (t instanceof YamlTree.Scalar s && (s.kind() == YamlTree.Scalar.Kind.INT || s.kind() == YamlTree.Scalar.Kind.FLOAT)) {
            return ((Number) s.value()).doubleValue();
        }
        problems.add(new SpecProblem(join(path, key), t.line(), "expected a number, got " + describe(t)));
        return null;
    }

    private List<String> stringList(YamlTree.Mapping m, String key, String path) {
        YamlTree t = m.entries().get(key);
        if (t == null || isNull(t)) return List.of();
        lines.put(join(path, key), t.line());
        // A single name is accepted for a one-element list: `inputs: seeds`.
        if (t instanceof YamlTree.Scalar s && s.kind() == YamlTree.Scalar.Kind.STRING) return List.of(s.text());
        if (t instanceof YamlTree.Sequence seq) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) {
                YamlTree item = seq.items().get(i);
                if (item instanceof YamlTree.Scalar s && s.kind() == YamlTree.Scalar.Kind.STRING) out.add(s.text());
                else problems.add(new SpecProblem(join(path, key) + "[" + i + "]", item.line(), "expected a stage name"));
            }
            return out;
        }
        problems.add(new SpecProblem(join(path, key), t.line(), "expected a list of stage names"));
        return List.of();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(YamlTree.Mapping m, String key, String path) {
        YamlTree t = m.entries().get(key);
        if (t == null || isNull(t)) return null;
        if (t instanceof YamlTree.Mapping m2) {
            lines.put(join(path, key), t.line());
            m2.keyLines().forEach((k, line) -> lines.put(join(path, key) + "." + k, line));
            return (Map<String, Object>) YamlTree.plain(t);
        }
        problems.add(new SpecProblem(join(path, key), t.line(), "expected a mapping"));
        return null;
    }

    private static boolean isNull(YamlTree t) {
        return t instanceof YamlTree.Scalar s && s.kind() == YamlTree.Scalar.Kind.NULL;
    }

    private static String describe(YamlTree t) {
        return switch (t) {
            case YamlTree.Scalar s -> "'" + s.text() + "'";
            case YamlTree.Mapping m -> "a mapping";
            case YamlTree.Sequence q -> "a list";
        };
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
