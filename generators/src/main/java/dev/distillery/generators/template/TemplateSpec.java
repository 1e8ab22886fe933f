package dev.distillery.generators.template;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A template a flow renders and the variables it provides to it, with example values. Before a run, every template
 * (built-in or a user's override) is rendered once with these examples in strict mode, so a template that uses a
 * variable the flow does not provide fails before any call is paid for.
 *
 * <pre>{@code new TemplateSpec("generate", Map.of("tasks", List.of("Write a haiku."), "count", 3))}</pre>
 *
 * @param name      the file name without {@code .jinja}, relative to the flow's template folder
 * @param variables variable name to an example value of the type the flow passes
 */
public record TemplateSpec(String name, Map<String, Object> variables) {

    public TemplateSpec {
        Objects.requireNonNull(name, "name");
        variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }
}
