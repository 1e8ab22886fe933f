package dev.distillery.orchestrator.spec;

import java.util.List;

/**
 * What a kind of stage accepts: its settings, how many inputs it reads, and any check the generic validation cannot
 * do. The built-in kinds are in {@link StageKinds}; a plugin adds one through
 * {@code META-INF/services/dev.distillery.orchestrator.spec.StageKind}.
 */
public interface StageKind {

    /** The value of a stage's {@code kind}, e.g. {@code flow}. */
    String name();

    String description();

    /** The kind's own keys in a stage; anything else (besides the common keys) is an error. */
    List<Setting> settings();

    int minInputs();

    /** Most inputs; {@link Integer#MAX_VALUE} for any number. */
    int maxInputs();

    /** Checks beyond types and choices: one setting excludes another, a name must exist in the catalog, ... */
    default List<Issue> check(StageSpec stage, SpecCatalog catalog) {
        return List.of();
    }

    /** A problem with one field of a stage, reported with the stage's path and the field's line. */
    record Issue(String field, String message) {
    }

    /** The type a setting's value must have. */
    enum ValueType {
        STRING, INTEGER, NUMBER, BOOLEAN, STRING_LIST, OBJECT, ANY;

        String jsonType() {
            return switch (this) {
                case STRING -> "string";
                case INTEGER -> "integer";
                case NUMBER -> "number";
                case BOOLEAN -> "boolean";
                case STRING_LIST -> "array";
                case OBJECT -> "object";
                case ANY -> null;
            };
        }
    }

    /**
     * One kind-specific key.
     *
     * @param choices allowed values of a string setting; empty for any
     */
    record Setting(String name, ValueType type, boolean required, String description, List<String> choices) {

        public Setting {
            choices = choices == null ? List.of() : List.copyOf(choices);
        }

        public static Setting required(String name, ValueType type, String description) {
            return new Setting(name, type, true, description, List.of());
        }

        public static Setting optional(String name, ValueType type, String description) {
            return new Setting(name, type, false, description, List.of());
        }

        public static Setting choice(String name, boolean required, String description, String... choices) {
            return new Setting(name, ValueType.STRING, required, description, List.of(choices));
        }
    }
}
