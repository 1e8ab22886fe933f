package dev.distillery.generators.flow;

import java.util.List;
import java.util.Objects;

/**
 * One setting a flow accepts, as listed by {@code distillery plugins}.
 *
 * <pre>{@code FlowParameter.integer("rounds", "suggester-editor rounds per instruction", 2)}</pre>
 *
 * @param name         kebab-case, as written in a pipeline spec
 * @param description  one line
 * @param type         how the value is parsed and checked
 * @param defaultValue used when the setting is absent; null makes the setting required
 * @param choices      allowed values for a {@link Type#STRING} or each element of a {@link Type#LIST}; empty = any
 */
public record FlowParameter(String name, String description, Type type, Object defaultValue, List<String> choices) {

    /** Value types a setting can have. */
    public enum Type { STRING, INTEGER, NUMBER, BOOLEAN, LIST }

    public FlowParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(type, "type");
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    public static FlowParameter string(String name, String description, String defaultValue) {
        return new FlowParameter(name, description, Type.STRING, defaultValue, List.of());
    }

    public static FlowParameter choice(String name, String description, String defaultValue, List<String> choices) {
        return new FlowParameter(name, description, Type.STRING, defaultValue, choices);
    }

    public static FlowParameter integer(String name, String description, int defaultValue) {
        return new FlowParameter(name, description, Type.INTEGER, defaultValue, List.of());
    }

    public static FlowParameter number(String name, String description, double defaultValue) {
        return new FlowParameter(name, description, Type.NUMBER, defaultValue, List.of());
    }

    public static FlowParameter bool(String name, String description, boolean defaultValue) {
        return new FlowParameter(name, description, Type.BOOLEAN, defaultValue, List.of());
    }

    public static FlowParameter list(String name, String description, List<String> defaultValue, List<String> choices) {
        return new FlowParameter(name, description, Type.LIST, defaultValue, choices);
    }

    public boolean required() {
        return defaultValue == null;
    }
}
