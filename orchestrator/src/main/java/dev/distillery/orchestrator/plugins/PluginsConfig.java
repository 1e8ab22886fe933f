package dev.distillery.orchestrator.plugins;

import dev.distillery.datasets.spi.Plugins;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The config key {@code distillery.plugins} (e.g. {@code -Ddistillery.plugins=plugins} or
 * {@code DISTILLERY_PLUGINS=plugins}): the plugins directory of {@code distillery serve} and of every command, set
 * at start-up. A {@code --plugins DIR} on the command line, read later, replaces it.
 */
@ApplicationScoped
public class PluginsConfig {

    @ConfigProperty(name = "distillery.plugins")
    Optional<String> directory;

    void onStart(@Observes StartupEvent event) {
        // Set (or cleared) at every start: an application restarted in the same JVM (dev mode, tests) must not keep
        // the directory of its previous life.
        String d = directory.filter(s -> !s.isBlank()).orElse(null);
        try {
            Plugins.use(d == null ? null : Path.of(d));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config distillery.plugins: " + e.getMessage(), e);
        }
    }
}
