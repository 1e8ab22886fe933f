package dev.distillery.generators.flow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A flow's settings: raw as written in a pipeline spec or on the command line, or resolved by
 * {@link Flow#validate} (defaults filled in, values typed).
 *
 * <pre>{@code FlowSettings resolved = flow.validate(FlowSettings.of(Map.of("rounds", 3), "pipeline.yaml: stages[1]"));
 * int rounds = resolved.integer("rounds");}</pre>
 *
 * @param values setting name to value
 * @param origin where the settings came from, for error messages; may be null
 */
public record FlowSettings(Map<String, Object> values, String origin) {

    public static final FlowSettings EMPTY = new FlowSettings(Map.of(), null);

    public FlowSettings {
        values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static FlowSettings of(Map<String, ?> values) {
        return new FlowSettings(new LinkedHashMap<>(values), null);
    }

    public static FlowSettings of(Map<String, ?> values, String origin) {
        return new FlowSettings(new LinkedHashMap<>(values), origin);
    }

    public String string(String name) {
        return (String) get(name);
    }

    public int integer(String name) {
        return (Integer) get(name);
    }

    public double number(String name) {
        return (Double) get(name);
    }

    public boolean bool(String name) {
        return (Boolean) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
        return (List<String>) get(name);
    }

    private Object get(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalStateException("setting '" + name + "' was not resolved; call Flow.validate first");
        }
        return values.get(name);
    }

    /** Checks names and types against {@code parameters} and fills in defaults. */
    FlowSettings resolve(String flow, List<FlowParameter> parameters) {
        Map<String, FlowParameter> byName = new LinkedHashMap<>();
        for (FlowParameter p : parameters) byName.put(p.name(), p);
        for (String key : values.keySet()) {
            if (!byName.containsKey(key)) {
                StringBuilder msg = new StringBuilder(where(flow)).append("unknown setting '").append(key).append("'");
                String closest = Names.closest(key, byName.keySet());
                if (closest != null) msg.append("; did you mean '").append(closest).append("'?");
                msg.append(" Known settings: ").append(byName.isEmpty() ? "(none)" : String.join(", ", byName.keySet()));
                throw new FlowConfigException(msg.toString());
            }
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        for (FlowParameter p : parameters) {
            Object raw = values.containsKey(p.name()) ? values.get(p.name()) : p.defaultValue();
            if (raw == null) {
                throw new FlowConfigException(where(flow) + "setting '" + p.name() + "' is required: " + p.description());
            }
            resolved.put(p.name(), convert(flow, p, raw));
        }
        return new FlowSettings(resolved, origin);
    }

    private Object convert(String flow, FlowParameter p, Object raw) {
        String field = where(flow) + "setting '" + p.name() + "': ";
        try {
            Object value = switch (p.type()) {
                case STRING -> {
                    if (!(raw instanceof String s)) throw new FlowConfigException(field + "expected text, got " + raw);
                    yield s;
                }
                case INTEGER -> raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                        ? Integer.valueOf(Math.toIntExact(n.longValue()))
                        : raw instanceof String s ? Integer.valueOf(s.trim()) : fail(field, "an integer", raw);
                case NUMBER -> raw instanceof Number n ? Double.valueOf(n.doubleValue())
                        : raw instanceof String s ? Double.valueOf(s.trim()) : fail(field, "a number", raw);
                case BOOLEAN -> raw instanceof Boolean b ? b
                        : "true".equals(raw) ? Boolean.TRUE : "false".equals(raw) ? Boolean.FALSE : fail(field, "true or false", raw);
                case LIST -> {
                    List<String> items = new ArrayList<>();
                    if (raw instanceof List<?> l) {
                        for (Object o : l) items.add(String.valueOf(o));
                    } else if (raw instanceof String s) {
                        // A comma-separated string is how a list arrives from the command line.
                        Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).forEach(items::add);
                    } else {
                        fail(field, "a list", raw);
                    }
                    yield List.copyOf(items);
                }
            };
            checkChoices(field, p, value);
            return value;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new FlowConfigException(field + "expected " + (p.type() == FlowParameter.Type.INTEGER ? "an integer" : "a number")
                    + ", got '" + raw + "'");
        }
    }

    private static void checkChoices(String field, FlowParameter p, Object value) {
        if (p.choices().isEmpty()) return;
        List<?> items = value instanceof List<?> l ? l : List.of(value);
        for (Object item : items) {
            if (!p.choices().contains(item)) {
                String closest = Names.closest(String.valueOf(item), p.choices());
                throw new FlowConfigException(field + "'" + item + "' is not allowed"
                        + (closest != null ? "; did you mean '" + closest + "'?" : "")
                        + " Allowed: " + String.join(", ", p.choices()));
            }
        }
    }

    private static Object fail(String field, String expected, Object raw) {
        throw new FlowConfigException(field + "expected " + expected + ", got '" + raw + "'");
    }

    private String where(String flow) {
        return (origin == null ? "" : origin + ": ") + "flow '" + flow + "': ";
    }
}
