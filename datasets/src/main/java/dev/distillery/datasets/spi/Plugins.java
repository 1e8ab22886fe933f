package dev.distillery.datasets.spi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one {@link ServiceLoader} wrapper every Distillery SPI uses (record formats, model families, flows, judges,
 * stage kinds and runners).
 *
 * <p>It asks the thread's context class loader first (it sees plugins in Quarkus dev mode and containers), then
 * the SPI's own loader (it always sees the built-ins), then the plugins directory given with {@link #use}; a
 * provider found twice is returned once. Registries keep the first provider of a name, so a plugin in the plugins
 * directory cannot replace a built-in or a class-path plugin of the same name. A plugin that fails to load is logged
 * and skipped so that it cannot take the built-ins down with it.
 *
 * <pre>{@code
 * List<RecordFormat> formats = Plugins.load(RecordFormat.class);
 * Plugins.use(PluginFolder.open(Path.of("plugins")));   // --plugins DIR
 * }</pre>
 */
public final class Plugins {
    private Plugins() {
    }

    private static volatile PluginFolder folder;
    /** Bumped whenever the set of providers may have changed, so that registries that cache know to reload. */
    private static final AtomicLong GENERATION = new AtomicLong();

    /** Every provider of {@code spi}: context loader, the SPI's own loader, then the plugins directory. */
    public static <T> List<T> load(Class<T> spi) {
        List<T> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        ClassLoader own = spi.getClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != own) addAll(spi, ServiceLoader.load(spi, context), found, seen);
        addAll(spi, ServiceLoader.load(spi, own), found, seen);
        PluginFolder f = folder;
        if (f != null) {
            for (T provider : f.providers(spi)) {
                if (seen.add(provider.getClass().getName())) found.add(provider);
            }
        }
        return List.copyOf(found);
    }

    /**
     * Makes the jars of {@code dir} visible to every registry from now on (replacing a previous directory); null
     * removes it.
     *
     * @throws IllegalArgumentException naming {@code dir} when it is not a directory
     */
    public static PluginFolder use(Path dir) {
        PluginFolder f = dir == null ? null : PluginFolder.open(dir);
        use(f);
        return f;
    }

    /** Makes {@code f}'s jars visible to every registry from now on; null removes the plugins directory. */
    public static void use(PluginFolder f) {
        folder = f;
        GENERATION.incrementAndGet();
    }

    /** The plugins directory in use, if any. */
    public static Optional<PluginFolder> folder() {
        return Optional.ofNullable(folder);
    }

    /**
     * Reloads the plugins directory when one of its jars was added, removed or rebuilt. Called at the start of each
     * run and each plugin listing, so that a rebuilt plugin is used without restarting {@code distillery serve}.
     *
     * @return true when something was reloaded
     */
    public static boolean refresh() {
        PluginFolder f = folder;
        if (f == null || !f.refresh()) return false;
        GENERATION.incrementAndGet();
        return true;
    }

    /** Changes whenever the providers {@link #load} returns may have changed; a registry that caches compares it. */
    public static long generation() {
        return GENERATION.get();
    }

    /**
     * Where {@code provider} (an implementation of {@code spi}) came from: built-in when its class sits in the same
     * jar or classes directory as the SPI, the plugins directory when its plugins class loader defined it, the class
     * path otherwise.
     */
    public static PluginOrigin origin(Class<?> spi, Object provider) {
        Class<?> c = provider.getClass();
        if (PluginFolder.isPluginClass(c)) {
            Path jar = PluginFolder.jarOf(c);
            return new PluginOrigin(PluginOrigin.Kind.PLUGINS_DIR, jar == null ? null : jar.toString());
        }
        Path where = PluginOrigin.codeLocation(c);
        String location = where == null ? null : where.toString();
        Path spiHome = PluginOrigin.codeLocation(spi);
        boolean builtIn = where == null ? c.getClassLoader() == spi.getClassLoader() : where.equals(spiHome);
        return new PluginOrigin(builtIn ? PluginOrigin.Kind.BUILT_IN : PluginOrigin.Kind.CLASSPATH, location);
    }

    private static <T> void addAll(Class<T> spi, ServiceLoader<T> loader, List<T> found, Set<String> seen) {
        for (Iterator<T> it = loader.iterator(); ; ) {
            T provider;
            try {
                if (!it.hasNext()) break;
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                System.getLogger(Plugins.class.getName()).log(System.Logger.Level.WARNING,
                        "skipping a " + spi.getSimpleName() + " plugin that failed to load: " + e.getMessage());
                continue;
            }
            // Two loaders may both see the same jar; keep the first instance of each provider class.
            if (seen.add(provider.getClass().getName())) found.add(provider);
        }
    }
}
