package dev.distillery.orchestrator.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A pipeline spec that cannot run: every problem found, each with its path and line. */
public final class SpecException extends IllegalArgumentException {

    private final String file;
    private final List<SpecProblem> problems;

    public SpecException(String file, List<SpecProblem> problems) {
        super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in "
                + (file == null ? "the pipeline spec" : file) + ":\n"
                + problems.stream().map(p -> "  " + p.format(file)).collect(Collectors.joining("\n")));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public String file() {
        return file;
    }

    public List<SpecProblem> problems() {
        return problems;
    }
}
