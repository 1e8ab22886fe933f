package dev.distillery.judges.verify;

import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, checked access to a verifier's or filter's settings. Unknown setting names are rejected with a did-you-mean
 * suggestion, and every error names the config source and the setting, so that a typo in a judge config fails at
 * build time instead of silently falling back to a default.
 *
 * <pre>{@code
 * VerifierSettings s = VerifierSettings.of(config, provider.parameters());
 * double tolerance = s.number("abs_tolerance", 1e-6);
 * }</pre>
 */
public final class VerifierSettings {
    private final Map<String, Object> values;
    private final String source;

    private VerifierSettings(Map<String, Object> values, String source) {
        this.values = values;
        this.source = source;
    }

    /**
     * Checks that every setting in {@code config} is one of {@code known}, then wraps them. Names are snake_case;
     * the kebab-case spelling ({@code abs-tolerance}) is accepted too, as other judges' settings use it.
     */
    public static VerifierSettings of(JudgeConfig config, List<JudgeParameter> known) {
        Set<String> names = new TreeSet<>();
        for (JudgeParameter p : known) names.add(p.name());
        String source = config.source() == null ? "judge config" : config.source();
        Map<String, Object> values = canonical(config.settings(), source);
        for (String key : values.keySet()) {
            if (!names.contains(key)) {
                throw new IllegalArgumentException(source + ": unknown setting '" + key + "'"
                        + DidYouMean.hint(key, names) + "; known settings: " + String.join(", ", names));
            }
        }
        return new VerifierSettings(values, source);
    }

    /** The settings with kebab-case names turned into snake_case; both spellings of one name is an error. */
    public static Map<String, Object> canonical(Map<String, Object> settings, String source) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            String key = e.getKey().replace('-', '_');
            if (out.put(key, e.getValue()) != null) {
                throw new IllegalArgumentException(source + ": setting '" + key + "' is given twice (as - and _ spellings)");
            }
        }
        return out;
    }

    /** Whether the setting is given; a blank text value counts as not given (the listed default of optional settings). */
    public boolean has(String name) {
        Object v = values.get(name);
        return v != null && !(v instanceof String text && text.isBlank());
    }

    /** The value as parsed from the config; null when not {@linkplain #has given}. */
    public Object raw(String name) {
        return has(name) ? values.get(name) : null;
    }

    /** Where these settings came from, for error messages. */
    public String source() {
        return source;
    }

    public String string(String name, String fallback) {
        Object v = raw(name);
        if (v == null) return fallback;
        if (v instanceof String s) return s;
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        throw error(name, "expected text, got " + describe(v));
    }

    /** A text setting restricted to {@code allowed}; the error lists the choices and suggests the nearest. */
    public String choice(String name, String fallback, Collection<String> allowed) {
        String v = string(name, fallback);
        if (v != null && !allowed.contains(v)) {
            throw error(name, "'" + v + "' is not one of " + String.join(", ", allowed) + DidYouMean.hint(v, allowed));
        }
        return v;
    }

    public double number(String name, double fallback) {
        Object v = raw(name);
        if (v == null) return fallback;
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                throw error(name, "expected a number, got '" + s + "'");
            }
        }
        throw error(name, "expected a number, got " + describe(v));
    }

    /** A non-negative whole number; {@code fallback} may be negative to mean "not set". */
    public long count(String name, long fallback) {
        Object v = raw(name);
        if (v == null) return fallback;
        double d = number(name, fallback);
        if (d != Math.rint(d) || d < 0) throw error(name, "expected a whole number >= 0, got " + v);
        return (long) d;
    }

    public boolean bool(String name, boolean fallback) {
        Object v = raw(name);
        if (v == null) return fallback;
        if (v instanceof Boolean b) return b;
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw error(name, "expected true or false, got " + describe(v));
    }

    /** A list of strings; a single string is taken as a one-element list. */
    public List<String> strings(String name) {
        Object v = raw(name);
        if (v == null) return List.of();
        if (v instanceof String s) return List.of(s);
        if (v instanceof Collection<?> c) {
            List<String> out = new ArrayList<>(c.size());
            int i = 0;
            for (Object o : c) {
                if (!(o instanceof String s)) throw error(name, "item " + i + " is " + describe(o) + ", expected text");
                out.add(s);
                i++;
            }
            return List.copyOf(out);
        }
        throw error(name, "expected a list of text, got " + describe(v));
    }

    /** An error about one setting, naming the config source. */
    public IllegalArgumentException error(String name, String message) {
        return new IllegalArgumentException(source + ": setting '" + name + "': " + message);
    }

    private static String describe(Object v) {
        return v.getClass().getSimpleName() + " " + v;
    }
}
