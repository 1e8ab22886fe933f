package dev.distillery.datasets.spi;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Where a provider came from: shipped with Distillery, a jar on the class path, or a jar in the plugins directory.
 *
 * <pre>{@code Plugins.origin(Flow.class, flow).describe()   // "plugins dir: /home/me/plugins/my-flows.jar"}</pre>
 *
 * @param kind     which of the three
 * @param location the jar or classes directory the provider's class was read from; null when the JVM does not say
 */
public record PluginOrigin(Kind kind, String location) {

    public enum Kind {
        /** In the same jar (or classes directory) as the SPI it implements: part of Distillery itself. */
        BUILT_IN,
        /** Another jar or directory on the application's class path. */
        CLASSPATH,
        /** A jar in the {@code --plugins} directory, loaded by its own class loader (reloadable). */
        PLUGINS_DIR
    }

    /** One short phrase for listings: {@code built-in}, {@code classpath: x.jar}, {@code plugins dir: /p/x.jar}. */
    public String describe() {
        return switch (kind) {
            case BUILT_IN -> "built-in";
            case CLASSPATH -> "classpath" + (location == null ? "" : ": " + location);
            case PLUGINS_DIR -> "plugins dir: " + location;
        };
    }

    /** The jar or directory {@code type} was read from, or null (a JDK class, or a loader that keeps no code source). */
    static Path codeLocation(Class<?> type) {
        CodeSource cs = type.getProtectionDomain() == null ? null : type.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) return null;
        try {
            return Path.of(cs.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }
}
