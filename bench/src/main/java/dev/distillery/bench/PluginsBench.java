package dev.distillery.bench;

import dev.distillery.datasets.spi.PluginFolder;
import dev.distillery.datasets.spi.Plugins;
import dev.distillery.generators.flow.Flows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a plugins directory costs the registries. A registry lookup ({@code Flows.all()}) happens when a spec is
 * validated and once per flow stage; {@code Plugins.refresh()} at the start of every run. Baseline, measured in the
 * same run: {@code Flows.all()} with no plugins directory (the built-ins through {@code ServiceLoader}). Then the
 * same lookup with a plugins directory holding the given jars, an unchanged-directory refresh (one stat per jar), and
 * a reload after a jar's modification time changed (copy, new class loader, first lookup).
 *
 * <pre>java -cp ... dev.distillery.bench.PluginsBench examples/custom-flow/target</pre>
 */
public final class PluginsBench {

    private static double microsPerCall(int n, Runnable r) {
        for (int i = 0; i < n / 5; i++) r.run();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) r.run();
        return (System.nanoTime() - t0) / 1e3 / n;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "examples/custom-flow/target");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        List<Path> jars;
        try (Stream<Path> s = Files.list(dir)) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).toList();
        }
        if (jars.isEmpty()) throw new IllegalArgumentException(dir + " holds no jar: build examples/custom-flow first");

        int builtIn = Flows.all().size();
        double baseline = microsPerCall(n, Flows::all);
        PluginFolder folder = Plugins.use(dir);
        int withPlugins = Flows.all().size();
        double lookup = microsPerCall(n, Flows::all);
        double refresh = microsPerCall(n, Plugins::refresh);

        int reloads = 50;
        long t0 = System.nanoTime();
        for (int i = 0; i < reloads; i++) {
            Files.setLastModifiedTime(jars.getFirst(), FileTime.from(Instant.now().plusSeconds(i + 1)));
            if (!Plugins.refresh()) throw new IllegalStateException("the touched jar was not reloaded");
            Flows.all();
        }
        double reload = (System.nanoTime() - t0) / 1e3 / reloads;

        System.out.printf("plugins dir %s: %d jar(s); flows %d built-in, %d with plugins; %d reloads done%n",
                dir, jars.size(), builtIn, withPlugins, folder.reloads());
        System.out.printf("baseline  Flows.all(), no plugins dir        %10.1f us/call%n", baseline);
        System.out.printf("          Flows.all(), with plugins dir      %10.1f us/call  (%.2fx baseline)%n", lookup, lookup / baseline);
        System.out.printf("          Plugins.refresh(), unchanged       %10.1f us/call  (%.2fx baseline)%n", refresh, refresh / baseline);
        System.out.printf("          reload after a rebuilt jar + lookup %9.1f us      (%.2fx baseline)%n", reload, reload / baseline);
    }
}
