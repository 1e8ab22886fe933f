package dev.distillery.orchestrator.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One stage of a pipeline: what it does ({@code kind} and its kind-specific {@code settings}), what it reads
 * ({@code inputs}: earlier stages), which models it may call, and how much it may do.
 *
 * @param name        unique in the pipeline; also the stage's directory name in the run
 * @param kind        source, flow, judge, filter, dedup, decontaminate, select-pairs, export, train, eval, or a plugin kind
 * @param inputs      names of the stages whose output this stage reads
 * @param models      role → model name, e.g. {@code teacher → gpt}
 * @param concurrency most records in flight in this stage
 * @param batch       records per batch handed to a flow or judge
 * @param budget      limits on calls, tokens and cost; the stage stops cleanly when one is reached
 * @param target      stop once this many records were accepted downstream (flows)
 * @param seed        this stage's seed (default: the pipeline's)
 * @param output      format and optional extra path of the stage's output
 * @param settings    the kind's own settings, e.g. {@code flow: self-instruct}
 */
public record StageSpec(String name, String kind, List<String> inputs, Map<String, String> models, Integer concurrency,
                        Integer batch, Budget budget, Integer target, Long seed, Output output,
                        Map<String, Object> settings) {

    public StageSpec {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        models = models == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
        settings = settings == null ? Map.of() : java.util.Collections.unmodifiableMap(normalize(settings));
    }

    /**
     * Settings as YAML reads them: whole numbers as Long, fractions as Double, nested maps and lists likewise, so a
     * stage built in Java equals the same stage read from YAML.
     */
    @SuppressWarnings("unchecked")
    static <T> T normalize(T value) {
        Object v = value;
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) v = ((Number) v).longValue();
        else if (v instanceof Float f) v = f.doubleValue();
        else if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), normalize(x)));
            v = out;
        } else if (v instanceof List<?> l) {
            v = l.stream().map(StageSpec::normalize).toList();
        }
        return (T) v;
    }

    /** Limits a stage may not exceed; null fields are unlimited. */
    public record Budget(Long calls, Long tokens, Double costUsd) {
    }

    /** @param format a record format name (default: the dataset's native JSONL); @param path an extra copy */
    public record Output(String format, String path) {
    }

    public Object setting(String key) {
        return settings.get(key);
    }

    public String stringSetting(String key, String fallback) {
        Object v = settings.get(key);
        return v == null ? fallback : v.toString();
    }

    public double numberSetting(String key, double fallback) {
        Object v = settings.get(key);
        return v instanceof Number n ? n.doubleValue() : fallback;
    }

    public static Builder builder(String name, String kind) {
        return new Builder(name, kind);
    }

    /** Fluent construction for pipelines built in Java. */
    public static final class Builder {
        private final String name;
        private final String kind;
        private final List<String> inputs = new ArrayList<>();
        private final Map<String, String> models = new LinkedHashMap<>();
        private final Map<String, Object> settings = new LinkedHashMap<>();
        private Integer concurrency;
        private Integer batch;
        private Budget budget;
        private Integer target;
        private Long seed;
        private Output output;

        private Builder(String name, String kind) {
            this.name = Objects.requireNonNull(name, "name");
            this.kind = Objects.requireNonNull(kind, "kind");
        }

        public Builder inputs(String... stageNames) {
            inputs.addAll(List.of(stageNames));
            return this;
        }

        public Builder model(String role, String modelName) {
            models.put(role, modelName);
            return this;
        }

        /** A kind-specific setting, e.g. {@code set("flow", "self-instruct")}. */
        public Builder set(String key, Object value) {
            settings.put(key, value);
            return this;
        }

        public Builder concurrency(int n) {
            this.concurrency = n;
            return this;
        }

        public Builder batch(int n) {
            this.batch = n;
            return this;
        }

        public Builder budget(Long calls, Long tokens, Double costUsd) {
            this.budget = new Budget(calls, tokens, costUsd);
            return this;
        }

        public Builder target(int acceptedRecords) {
            this.target = acceptedRecords;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder output(String format, String path) {
            this.output = new Output(format, path);
            return this;
        }

        public StageSpec build() {
            return new StageSpec(name, kind, inputs, models, concurrency, batch, budget, target, seed, output, settings);
        }
    }
}
