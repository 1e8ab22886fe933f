package dev.distillery.generators.template;

/**
 * A prompt template is missing, malformed, or uses a variable its flow does not provide. The message names the
 * file (or classpath resource), the line when known, and the variable.
 */
public class TemplateException extends IllegalArgumentException {

    private final String origin;

    public TemplateException(String origin, String message) {
        super(origin + ": " + message);
        this.origin = origin;
    }

    /** The file or classpath resource the template came from. */
    public String origin() {
        return origin;
    }
}
