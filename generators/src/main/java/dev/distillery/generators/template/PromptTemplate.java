package dev.distillery.generators.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One loaded prompt template. Rendering is strict: a variable that is not provided is an error, never an empty
 * string in a prompt that would silently be paid for.
 *
 * <pre>{@code String prompt = templates.load("self-instruct", "generate").render(Map.of("tasks", tasks, "count", 4));}</pre>
 *
 */
public final class PromptTemplate {

    private static final Pattern UNKNOWN = Pattern.compile("Unknown token found: ([\\w.]+)");

    private final String flow;
    private final String name;
    private final String origin;
    private final String text;
    private final String hash;
    private final Jinjava engine;

    PromptTemplate(String flow, String name, String origin, String text, String hash, Jinjava engine) {
        this.flow = flow;
        this.name = name;
        this.origin = origin;
        this.text = Objects.requireNonNull(text, "text");
        this.hash = hash;
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** The flow whose folder it lives in. */
    public String flow() {
        return flow;
    }

    /** File name without {@code .jinja}. */
    public String name() {
        return name;
    }

    /** The file path or classpath resource it was read from. */
    public String origin() {
        return origin;
    }

    /** The template source. */
    public String text() {
        return text;
    }

    /** The first 12 hex digits of the SHA-256 of {@link #text()}; stored on every record it produced. */
    public String hash() {
        return hash;
    }

    /** Renders with {@code variables}; throws {@link TemplateException} naming the file, line and variable. */
    public String render(Map<String, ?> variables) {
        RenderResult result = engine.renderForResult(text, variables);
        for (TemplateError e : result.getErrors()) {
            // Jinjava reports unclosed tokens as warnings and still renders them verbatim: that is a broken
            // template too, so every syntax error counts, whatever its severity.
            if (e.getSeverity() == TemplateError.ErrorType.FATAL || e.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR) {
                throw new TemplateException(origin, describe(e, variables));
            }
        }
        return result.getOutput();
    }

    private static String describe(TemplateError e, Map<String, ?> variables) {
        String line = e.getLineno() > 0 ? "line " + e.getLineno() + ": " : "";
        Matcher m = UNKNOWN.matcher(String.valueOf(e.getMessage()));
        if (m.find()) {
            return line + "variable '" + m.group(1) + "' is not provided; the flow provides: "
                    + (variables.isEmpty() ? "(none)" : String.join(", ", variables.keySet()));
        }
        return line + e.getMessage();
    }

    @Override
    public String toString() {
        return "PromptTemplate[" + origin + ", hash=" + hash + "]";
    }
}
