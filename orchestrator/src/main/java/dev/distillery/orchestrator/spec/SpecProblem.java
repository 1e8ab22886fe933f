package dev.distillery.orchestrator.spec;

/**
 * One thing wrong with a pipeline spec.
 *
 * @param path    where in the spec, e.g. {@code stages[3].flow}; empty for the whole file
 * @param line    1-based line in the file; 0 when the spec was built in Java
 * @param message what is wrong and, where possible, what would be right
 */
public record SpecProblem(String path, int line, String message) {

    /** {@code pipeline.yaml:14: stages[3].flow: unknown flow 'x'}. */
    public String format(String file) {
        StringBuilder sb = new StringBuilder();
        if (file != null) sb.append(file).append(line > 0 ? ":" + line : "").append(": ");
        else if (line > 0) sb.append("line ").append(line).append(": ");
        if (!path.isEmpty()) sb.append(path).append(": ");
        return sb.append(message).toString();
    }
}
