package dev.distillery.orchestrator.cli;

import dev.distillery.datasets.format.Formats;
import dev.distillery.datasets.format.RecordFormat;
import dev.distillery.datasets.spi.Plugins;
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
import java.util.stream.Collectors;

/** {@code distillery plugins}: every flow, judge, stage kind and record format this installation can use. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = {"List the flows, judges (verifiers and filters too), stage kinds and record formats found on the "
                + "classpath and in the plugins directory, with their descriptions, parameters and where each came "
                + "from (built-in, a classpath jar, or a jar in the plugins directory).",
                "A jar that registers a Flow, JudgeProvider, StageKind or RecordFormat through META-INF/services "
                        + "appears here when it is on the classpath or in the --plugins directory (docs/plugins.md)."},
        footer = {"", "Examples:", "  distillery plugins", "  distillery plugins --section judges",
                "  distillery --plugins examples/custom-flow/target plugins --section flows"})
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
        // A jar rebuilt since the last listing (in a long-lived process) is picked up now.
        Plugins.refresh();
        Plugins.folder().ifPresent(dir -> {
            out.println("Plugins directory " + dir.dir() + ": " + dir.jars().size() + " jar(s)" + (dir.jars().isEmpty() ? ""
                    : ": " + dir.jars().stream().map(j -> j.getFileName().toString()).collect(Collectors.joining(", "))));
            for (String w : dir.warnings()) out.println("  warning: " + w);
            out.println();
        });
        if (show("flows")) {
            out.println("Flows (" + Flows.all().size() + "):");
            for (Flow f : Flows.all()) out.println(indent(Flows.describe(f) + "  from: " + from(Flow.class, f)));
            out.println();
        }
        if (show("judges")) {
            out.println("Judges (" + Judges.providers().size() + "):");
            for (JudgeProvider p : Judges.providers()) {
                out.printf("  %s [%s] - %s%n", p.name(), p.kind().name().toLowerCase(), p.description());
                out.printf("      from: %s%n", from(JudgeProvider.class, p));
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
                if (!from(StageKind.class, k).equals("built-in")) out.printf("      from: %s%n", from(StageKind.class, k));
                for (StageKind.Setting st : k.settings()) {
                    out.printf("      %s: %s%s%n", st.name(), st.description(), st.required() ? " (required)" : "");
                }
            }
            out.println();
        }
        if (show("formats")) {
            out.println("Record formats (" + Formats.all().size() + "):");
            for (RecordFormat f : Formats.all()) {
                String from = from(RecordFormat.class, f);
                out.printf("  %s - %s%s%n", f.name(), f.description(), from.equals("built-in") ? "" : " (from: " + from + ")");
            }
        }
        return 0;
    }

    private static String from(Class<?> spi, Object provider) {
        return Plugins.origin(spi, provider).describe();
    }

    private boolean show(String s) {
        return section == null || section.equals(s);
    }

    private static String indent(String text) {
        return text.lines().map(l -> "  " + l).collect(Collectors.joining("\n"));
    }
}
