package dev.distillery.orchestrator.cli;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.trainers.training.TrainingDivergedException;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

/**
 * Exit codes and error output of every command: a data or usage problem prints one clear line (which file, line
 * and field) and exits non-zero, instead of a stack trace.
 * <ul><li>0: done</li><li>1: the input or the environment is wrong (message says what)</li>
 * <li>2: the command line is wrong (picocli's usage message)</li><li>3: a bug (stack trace, please report)</li></ul>
 */
@ApplicationScoped
public class CommandLineSetup {

    public static final int DATA_ERROR = 1;
    public static final int INTERNAL_ERROR = 3;

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        // Enum options read the way users type them: --key prompt as well as --key PROMPT.
        return factory.create().setCaseInsensitiveEnumValuesAllowed(true).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof DatasetException || e instanceof IllegalArgumentException
                    || e instanceof java.io.UncheckedIOException || e instanceof TrainingDivergedException) {
                cmd.getErr().println("distillery: error: " + e.getMessage());
                return DATA_ERROR;
            }
            cmd.getErr().println("distillery: internal error (please report): " + e);
            e.printStackTrace(cmd.getErr());
            return INTERNAL_ERROR;
        });
    }
}
