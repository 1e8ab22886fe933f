package dev.distillery.orchestrator.cli;

import dev.distillery.datasets.format.Formats;
import dev.distillery.datasets.format.RecordFormat;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.Flows;
import dev.distillery.judges.Judges;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.orchestrator.spec.StageKind;
import dev.distillery.orchestrator.spec.StageKinds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code distillery plugins}: every flow, judge, stage kind and record format this installation can use. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = {"List the flows, judges (verifiers and filters too), stage kinds and record formats found on the "
                + "classpath, with their descriptions and parameters.",
                "A jar that registers a Flow, JudgeProvider, StageKind or RecordFormat through META-INF/services "
                        + "appears here when it is on the classpath."},
        footer = {"", "Examples:", "  distillery plugins", "  distillery plugins --section judges"})
public class PluginsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--section", paramLabel = "NAME", description = "Only one section: flows, judges, stages or formats.")
    String section;

    @Override
    public Integer call() {
        if (section != null && !java.util.List.of("flows", "judges", "stages", "formats").contains(section)) {
            throw new IllegalArgumentException("--section: expected flows, judges, stages or formats, got '" + section + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (show("flows")) {
            out.println("Flows (" + Flows.all().size() + "):");
            for (Flow f : Flows.all()) out.println(indent(Flows.describe(f)));
            out.println();
        }
        if (show("judges")) {
            out.println("Judges (" + Judges.providers().size() + "):");
            for (JudgeProvider p : Judges.providers()) {
                out.printf("  %s [%s] - %s%n", p.name(), p.kind().name().toLowerCase(), p.description());
                for (JudgeParameter param : p.parameters()) {
                    out.printf("      %s: %s%s%n", param.name(), param.description(),
                            param.defaultValue() == null ? " (required)" : " (default " + param.defaultValue() + ")");
                }
                if (!p.exampleSettings().isEmpty()) out.printf("      example settings: %s%n", p.exampleSettings());
            }
            out.println();
        }
        if (show("stages")) {
            out.println("Stage kinds (" + StageKinds.all().size() + "):");
            for (StageKind k : StageKinds.all().values()) {
                out.printf("  %s - %s%n", k.name(), k.description());
                for (StageKind.Setting st : k.settings()) {
                    out.printf("      %s: %s%s%n", st.name(), st.description(), st.required() ? " (required)" : "");
                }
            }
            out.println();
        }
        if (show("formats")) {
            out.println("Record formats (" + Formats.all().size() + "):");
            for (RecordFormat f : Formats.all()) out.printf("  %s - %s%n", f.name(), f.description());
        }
        return 0;
    }

    private boolean show(String s) {
        return section == null || section.equals(s);
    }

    private static String indent(String text) {
        return text.lines().map(l -> "  " + l).collect(java.util.stream.Collectors.joining("\n"));
    }
}
