package dev.distillery.orchestrator.spec;

import dev.distillery.datasets.spi.Names;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything about a spec that can be checked before a run: names, references between stages and models, the
 * graph, each kind's settings, providers and their required fields. Collects every problem; never stops at the
 * first.
 */
final class SpecValidator {

    static final List<String> PROVIDERS = List.of("openai", "openai-compatible", "ollama", "anthropic", "local", "sandbox");
    private static final Pattern STAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private final SpecCatalog catalog;
    private final Map<String, Integer> lines;
    private final List<SpecProblem> problems = new ArrayList<>();

    SpecValidator(SpecCatalog catalog, Map<String, Integer> lines) {
        this.catalog = catalog;
        this.lines = lines == null ? Map.of() : lines;
    }

    List<SpecProblem> validate(PipelineSpec spec) {
        if (spec.name() == null || spec.name().isBlank()) add("name", "required: the pipeline's name");
        spec.models().forEach(this::model);
        if (spec.stages().isEmpty()) add("stages", "required: at least one stage");
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < spec.stages().size(); i++) {
            String n = spec.stages().get(i).name();
            String path = "stages[" + i + "]";
            if (n == null || n.isBlank()) add(path + ".name", "required: a unique stage name");
            else if (!STAGE_NAME.matcher(n).matches()) {
                add(path + ".name", "'" + n + "' must be lower case letters, digits, '-' or '_' (it names a directory)");
            } else if (index.putIfAbsent(n, i) != null) {
                add(path + ".name", "duplicate stage name '" + n + "' (also stages[" + index.get(n) + "])");
            }
        }
        Map<String, StageKind> kinds = StageKinds.all();
        for (int i = 0; i < spec.stages().size(); i++) stage(spec, spec.stages().get(i), "stages[" + i + "]", index, kinds);
        cycles(spec, index);
        return problems;
    }

    private void model(String name, ModelSpec m) {
        String path = "models." + name;
        if (m.provider() == null) {
            add(path + ".provider", "required: one of " + String.join(", ", PROVIDERS));
            return;
        }
        if (!PROVIDERS.contains(m.provider())) {
            add(path + ".provider", "unknown provider '" + m.provider() + "'" + Names.didYouMean(m.provider(), PROVIDERS)
                    + " (known: " + String.join(", ", PROVIDERS) + ")");
            return;
        }
        switch (m.provider()) {
            case "local" -> {
                if (m.path() == null) add(path + ".path", "required for a local model: its directory");
            }
            case "sandbox" -> {
                // The offline simulator: its settings are parameters (error_rate, error_rates, style, seed, and its
                // rates as a judge).
                for (String key : List.of("error_rate", "judge_false_pass", "judge_false_fail")) {
                    Object rate = m.parameters().get(key);
                    if (rate != null && !(rate instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
                        add(path + ".parameters." + key, "must be a number in [0, 1], got " + rate);
                    }
                }
                Object style = m.parameters().get("style");
                if (style != null && !List.of("direct", "step-by-step").contains(style)) {
                    add(path + ".parameters.style", "expected direct or step-by-step, got '" + style + "'");
                }
            }
            default -> {
                if (m.model() == null) add(path + ".model", "required: the model id at the provider");
                boolean needsUrl = m.provider().equals("openai-compatible") || m.provider().equals("ollama");
                if (needsUrl && m.baseUrl() == null) add(path + ".base_url", "required for " + m.provider());
                if (m.baseUrl() != null) url(path + ".base_url", m.baseUrl());
                boolean needsKey = m.provider().equals("openai") || m.provider().equals("anthropic");
                if (needsKey && m.apiKeyEnv() == null) {
                    add(path + ".api_key_env", "required for " + m.provider()
                            + ": the environment variable holding the key (keys are never written in a spec)");
                }
                if (m.apiKeyEnv() != null && catalog.environment() != null
                        && !catalog.environment().containsKey(m.apiKeyEnv())) {
                    add(path + ".api_key_env", "environment variable " + m.apiKeyEnv() + " is not set");
                }
            }
        }
        if (m.maxConcurrency() != null && m.maxConcurrency() < 1) add(path + ".max_concurrency", "must be at least 1");
        if (m.initialConcurrency() != null) {
            if (m.initialConcurrency() < 1) add(path + ".initial_concurrency", "must be at least 1");
            else if (m.maxConcurrency() == null) add(path + ".initial_concurrency", "needs max_concurrency (the limit it may grow to)");
            else if (m.initialConcurrency() > m.maxConcurrency()) {
                add(path + ".initial_concurrency", "is " + m.initialConcurrency() + ", above max_concurrency " + m.maxConcurrency());
            }
        }
        if (m.price() != null && (m.price().inputPerMillion() < 0 || m.price().outputPerMillion() < 0)) {
            add(path + ".price", "prices cannot be negative");
        }
    }

    private void url(String path, String url) {
        try {
            URI u = URI.create(url);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                add(path, "'" + url + "' is not an http(s) URL with a host");
            }
        } catch (IllegalArgumentException e) {
            add(path, "'" + url + "' is not a valid URL: " + e.getMessage());
        }
    }

    private void stage(PipelineSpec spec, StageSpec s, String path, Map<String, Integer> index, Map<String, StageKind> kinds) {
        if (s.kind() == null) {
            add(path + ".kind", "required: one of " + String.join(", ", kinds.keySet()));
            return;
        }
        StageKind kind = kinds.get(s.kind());
        if (kind == null) {
            add(path + ".kind", "unknown stage kind '" + s.kind() + "'" + Names.didYouMean(s.kind(), kinds.keySet())
                    + " (known: " + String.join(", ", kinds.keySet()) + ")");
            return;
        }
        // Inputs: earlier or later stages are fine (the graph decides the order), but they must exist.
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < s.inputs().size(); j++) {
            String in = s.inputs().get(j);
            String p = path + ".inputs" + (s.inputs().size() > 1 ? "[" + j + "]" : "");
            if (in.equals(s.name())) add(p, "a stage cannot read its own output");
            else if (!index.containsKey(in)) add(p, "unknown stage '" + in + "'" + Names.didYouMean(in, index.keySet()));
            if (!seen.add(in)) add(p, "'" + in + "' is listed twice");
        }
        int n = s.inputs().size();
        if (n < kind.minInputs()) {
            add(path + ".inputs", "a " + kind.name() + " stage reads at least " + kind.minInputs() + " input"
                    + (kind.minInputs() == 1 ? "" : "s"));
        } else if (n > kind.maxInputs()) {
            add(path + ".inputs", kind.maxInputs() == 0 ? "a " + kind.name() + " stage reads no inputs"
                    : "a " + kind.name() + " stage reads at most " + kind.maxInputs() + " input" + (kind.maxInputs() == 1 ? "" : "s"));
        }
        s.models().forEach((role, model) -> {
            if (!spec.models().containsKey(model)) {
                add(path + ".models." + role, "unknown model '" + model + "'" + Names.didYouMean(model, spec.models().keySet())
                        + (spec.models().isEmpty() ? " (the spec declares no models)" : ""));
            }
        });
        positive(path + ".concurrency", s.concurrency());
        positive(path + ".batch", s.batch());
        positive(path + ".target", s.target());
        if (s.budget() != null) {
            positive(path + ".budget.calls", s.budget().calls());
            positive(path + ".budget.tokens", s.budget().tokens());
            if (s.budget().costUsd() != null && s.budget().costUsd() <= 0) add(path + ".budget.cost_usd", "must be positive");
        }
        if (s.output() != null && s.output().format() != null && catalog.formats() != null
                && !catalog.formats().contains(s.output().format())) {
            add(path + ".output.format", "unknown format '" + s.output().format() + "'"
                    + Names.didYouMean(s.output().format(), catalog.formats()));
        }
        settings(s, path, kind);
        for (StageKind.Issue issue : kind.check(s, catalog)) {
            add(issue.field().isEmpty() ? path : path + "." + issue.field(), issue.message());
        }
    }

    private void settings(StageSpec s, String path, StageKind kind) {
        Map<String, StageKind.Setting> byName = new HashMap<>();
        for (StageKind.Setting st : kind.settings()) byName.put(st.name(), st);
        Set<String> allowed = new LinkedHashSet<>(SpecReader.STAGE_KEYS);
        allowed.addAll(byName.keySet());
        s.settings().forEach((key, value) -> {
            StageKind.Setting st = byName.get(key);
            if (st == null) {
                add(path + "." + key, "unknown field for a " + kind.name() + " stage" + Names.didYouMean(key, allowed)
                        + (Names.closest(key, allowed) == null ? " (its fields: " + String.join(", ", byName.keySet()) + ")" : ""));
                return;
            }
            String problem = typeProblem(st, value);
            if (problem != null) add(path + "." + key, problem);
        });
        for (StageKind.Setting st : kind.settings()) {
            if (st.required() && s.settings().get(st.name()) == null) {
                add(path + "." + st.name(), "required for a " + kind.name() + " stage: " + st.description());
            }
        }
    }

    private static String typeProblem(StageKind.Setting st, Object v) {
        if (v == null) return null;
        boolean ok = switch (st.type()) {
            case STRING -> v instanceof String;
            case INTEGER -> v instanceof Long || v instanceof Integer;
            case NUMBER -> v instanceof Number;
            case BOOLEAN -> v instanceof Boolean;
            case STRING_LIST -> v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String) || v instanceof String;
            case OBJECT -> v instanceof Map;
            case ANY -> true;
        };
        if (!ok) return "expected " + st.type().name().toLowerCase().replace('_', ' ') + ", got " + v;
        if (!st.choices().isEmpty() && !st.choices().contains(v)) {
            return "'" + v + "' is not one of " + String.join(", ", st.choices()) + Names.didYouMean(v.toString(), st.choices());
        }
        return null;
    }

    private void positive(String path, Number n) {
        if (n != null && n.longValue() < 1) add(path, "must be at least 1, got " + n);
    }

    /** Reports each cycle of the input graph once, by the stages on it. */
    private void cycles(PipelineSpec spec, Map<String, Integer> index) {
        Map<String, Integer> state = new HashMap<>();  // 1 = on the stack, 2 = done
        for (StageSpec s : spec.stages()) {
            if (index.containsKey(s.name()) && !state.containsKey(s.name())) visit(spec, s.name(), index, state, new ArrayDeque<>());
        }
    }

    private void visit(PipelineSpec spec, String name, Map<String, Integer> index, Map<String, Integer> state, Deque<String> stack) {
        state.put(name, 1);
        stack.push(name);
        StageSpec s = spec.stages().get(index.get(name));
        for (String in : s.inputs()) {
            if (!index.containsKey(in) || in.equals(name)) continue;
            Integer st = state.get(in);
            if (st == null) visit(spec, in, index, state, stack);
            else if (st == 1) {
                List<String> cycle = new ArrayList<>();
                for (String x : stack) {
                    cycle.add(0, x);
                    if (x.equals(in)) break;
                }
                cycle.add(in);
                add("stages[" + index.get(name) + "].inputs", "the stages form a cycle: " + String.join(" -> ", cycle));
            }
        }
        stack.pop();
        state.put(name, 2);
    }

    private void add(String path, String message) {
        problems.add(new SpecProblem(path, lineOf(path), message));
    }

    /** The line of the path, or of its closest ancestor that has one. */
    private int lineOf(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer l = lines.get(p);
            if (l != null) return l;
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return 0;
    }
}
