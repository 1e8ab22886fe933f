package dev.distillery.orchestrator.plugins;

import dev.distillery.datasets.format.Formats;
import dev.distillery.datasets.format.RecordFormat;
import dev.distillery.datasets.spi.PluginFolder;
import dev.distillery.datasets.spi.PluginOrigin;
import dev.distillery.datasets.spi.Plugins;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.Flows;
import dev.distillery.judges.Judges;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.orchestrator.spec.StageKind;
import dev.distillery.orchestrator.spec.StageKinds;

import java.util.List;
import java.util.Locale;

/**
 * What this installation can use, with where each piece came from: the listing behind {@code distillery plugins}
 * and {@code GET /api/plugins}. Building one first reloads the plugins directory when a jar in it changed.
 *
 * <pre>{@code InstalledPlugins.Listing l = InstalledPlugins.list();   // l.flows().get(0).origin() -> "built-in"}</pre>
 */
public final class InstalledPlugins {
    private InstalledPlugins() {
    }

    /**
     * One flow, judge, stage kind or record format.
     *
     * @param kind     for judges: single, pairwise, verifier or filter; null otherwise
     * @param origin   built-in, classpath or plugins-dir
     * @param location the jar or directory it was read from (null when unknown)
     */
    public record Entry(String name, String description, String kind, String origin, String location) {
    }

    /**
     * The plugins directory in use (null when none): its jars, and the jars or providers it had to skip.
     *
     * @param reloads how often it was reloaded since the process started
     */
    public record Directory(String path, List<String> jars, List<String> warnings, long reloads) {
    }

    public record Listing(Directory directory, List<Entry> flows, List<Entry> judges, List<Entry> stages,
                          List<Entry> formats) {
    }

    /** Reloads a changed plugins directory, then lists everything. */
    public static Listing list() {
        Plugins.refresh();
        Directory dir = Plugins.folder().map(InstalledPlugins::directory).orElse(null);
        List<Entry> flows = Flows.all().stream().map(f -> entry(Flow.class, f, f.name(), f.description(), null)).toList();
        List<Entry> judges = Judges.providers().stream().map(p -> entry(JudgeProvider.class, p, p.name(), p.description(),
                p.kind().name().toLowerCase(Locale.ROOT))).toList();
        List<Entry> stages = StageKinds.all().values().stream()
                .map(k -> entry(StageKind.class, k, k.name(), k.description(), null)).toList();
        List<Entry> formats = Formats.all().stream()
                .map(f -> entry(RecordFormat.class, f, f.name(), f.description(), null)).toList();
        return new Listing(dir, flows, judges, stages, formats);
    }

    private static Directory directory(PluginFolder f) {
        return new Directory(f.dir().toString(), f.jars().stream().map(Object::toString).toList(), f.warnings(), f.reloads());
    }

    private static Entry entry(Class<?> spi, Object provider, String name, String description, String kind) {
        PluginOrigin o = Plugins.origin(spi, provider);
        return new Entry(name, description, kind, o.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'), o.location());
    }
}
