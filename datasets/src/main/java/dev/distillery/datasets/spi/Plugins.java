package dev.distillery.datasets.spi;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The one {@link ServiceLoader} wrapper every Distillery SPI uses (record formats, model families, flows, judges).
 *
 * <p>It asks the thread's context class loader first (it sees plugins in Quarkus dev mode and containers) and then
 * the SPI's own loader (it always sees the built-ins); a provider found by both is returned once. A plugin that
 * fails to load is logged and skipped so that it cannot take the built-ins down with it.
 *
 * <pre>{@code List<RecordFormat> formats = Plugins.load(RecordFormat.class);}</pre>
 */
public final class Plugins {
    private Plugins() {
    }

    /** Every provider of {@code spi} visible to the context or the SPI's own class loader, in discovery order. */
    public static <T> List<T> load(Class<T> spi) {
        List<T> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        ClassLoader own = spi.getClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != own) addAll(spi, ServiceLoader.load(spi, context), found, seen);
        addAll(spi, ServiceLoader.load(spi, own), found, seen);
        return List.copyOf(found);
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
