package dev.distillery.judges;

import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.langchain4j.model.chat.ChatModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A provider's view of {@link JudgeConfig#settings()}: typed reads whose defaults come from the provider's declared
 * {@link JudgeParameter}s (one source of truth for {@code distillery plugins} and the code), and errors that name
 * the setting and the config file.
 *
 * <pre>{@code
 * JudgeSettings s = JudgeSettings.of(config, provider.parameters(), provider.name());
 * int attempts = s.positiveInt("attempts");
 * }</pre>
 */
public final class JudgeSettings {
    private final Map<String, Object> values;
    private final Map<String, JudgeParameter> declared = new LinkedHashMap<>();
    private final String where;

    private JudgeSettings(JudgeConfig config, List<JudgeParameter> parameters, String provider) {
        this.values = config.settings();
        parameters.forEach(p -> declared.put(p.name(), p));
        this.where = "judge '" + provider + "'" + (config.source() == null ? "" : " (" + config.source() + ")");
    }

    /**
     * Settings for {@code provider}, checked against its parameters: a setting it does not declare is an error with
     * the closest declared name, since a misspelt option silently ignored gives a judge the user did not ask for.
     */
    public static JudgeSettings of(JudgeConfig config, List<JudgeParameter> parameters, String provider) {
        JudgeSettings s = new JudgeSettings(config, parameters, provider);
        for (String key : s.values.keySet()) {
            if (!s.declared.containsKey(key)) {
                String closest = Names.closest(key, s.declared.keySet());
                throw new IllegalArgumentException(s.where + ": unknown setting '" + key + "'"
                        + (closest == null ? "" : "; did you mean '" + closest + "'?")
                        + " Known settings: " + String.join(", ", s.declared.keySet()));
            }
        }
        return s;
    }

    /** The setting as text, or its declared default; a missing required setting is an error. */
    public String string(String name) {
        Object v = values.get(name);
        if (v != null) return v.toString();
        JudgeParameter p = declared.get(name);
        if (p == null) throw new IllegalStateException("setting '" + name + "' is not declared by " + where);
        if (p.defaultValue() == null) {
            throw new IllegalArgumentException(where + ": missing required setting '" + name + "' (" + p.description() + ")");
        }
        return p.defaultValue();
    }

    /**
     * A list setting: a YAML/JSON list, or text with comma-separated items; blank items are dropped.
     */
    public List<String> list(String name) {
        Object v = values.get(name);
        if (v instanceof java.util.Collection<?> c) {
            return c.stream().map(String::valueOf).map(String::strip).filter(x -> !x.isEmpty()).toList();
        }
        return java.util.Arrays.stream(string(name).split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    public boolean has(String name) {
        return values.get(name) != null;
    }

    public double number(String name) {
        String v = string(name);
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": setting '" + name + "' must be a number, got '" + v + "'");
        }
    }

    public int positiveInt(String name) {
        String v = string(name).strip();
        try {
            int i = Integer.parseInt(v);
            if (i > 0) return i;
        } catch (NumberFormatException e) {
            // reported below with the setting named
        }
        throw new IllegalArgumentException(where + ": setting '" + name + "' must be a whole number >= 1, got '" + v + "'");
    }

    public boolean flag(String name) {
        String v = string(name).strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(where + ": setting '" + name + "' must be true or false, got '" + v + "'");
        };
    }

    /** A setting restricted to the constants of {@code type}, written in lower case with hyphens. */
    public <E extends Enum<E>> E choice(String name, Class<E> type) {
        String v = string(name).strip();
        for (E e : type.getEnumConstants()) {
            if (e.name().replace('_', '-').equalsIgnoreCase(v) || e.name().equalsIgnoreCase(v)) return e;
        }
        List<String> allowed = java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
        throw new IllegalArgumentException(where + ": setting '" + name + "' must be one of " + allowed + ", got '" + v + "'");
    }

    /** The one model a single-model judge calls; an error names the judge when there is none. */
    public ChatModel model(JudgeConfig config) {
        if (config.models().isEmpty()) throw new IllegalArgumentException(where + " needs a chat model; none was configured");
        return config.models().getFirst();
    }

    /** Where these settings come from, for error messages. */
    public String where() {
        return where;
    }

    /**
     * A short label for a model in judge names: its configured model name, else its provider, else {@code model}.
     * Reading the defaults may fail on a half-configured model; a label must never stop a judge being built.
     */
    public static String label(ChatModel model) {
        try {
            var params = model.defaultRequestParameters();
            if (params != null && params.modelName() != null && !params.modelName().isBlank()) return params.modelName();
        } catch (RuntimeException ignored) {
            // fall through to the provider
        }
        try {
            var provider = model.provider();
            if (provider != null) return provider.name().toLowerCase(Locale.ROOT);
        } catch (RuntimeException ignored) {
            // fall through
        }
        return "model";
    }
}
