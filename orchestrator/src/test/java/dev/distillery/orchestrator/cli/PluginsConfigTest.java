package dev.distillery.orchestrator.cli;

import dev.distillery.orchestrator.plugins.TagFlowJar;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config key {@code distillery.plugins} gives every command a plugins directory; {@code --plugins} replaces it. */
@QuarkusMainTest
@TestProfile(PluginsConfigTest.WithPlugins.class)
class PluginsConfigTest {

    /** The same path in the JUnit and the Quarkus copy of this class. */
    static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"),
            "distillery-plugins-config-test-" + ProcessHandle.current().pid());

    static {
        try {
            Files.createDirectories(DIR.resolve("configured"));
            Files.createDirectories(DIR.resolve("other"));
            if (!Files.exists(DIR.resolve("configured/tag.jar"))) TagFlowJar.write(DIR.resolve("configured/tag.jar"), "config");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static class WithPlugins implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("distillery.plugins", DIR.resolve("configured").toString());
        }
    }

    @Test
    void theConfiguredDirectoryIsUsedUntilTheCommandLineNamesAnother(QuarkusMainLauncher launcher) {
        LaunchResult configured = launcher.launch("plugins", "--section", "flows");
        assertEquals(0, configured.exitCode(), configured.getErrorOutput());
        assertTrue(configured.getOutput().contains("  tag - tags each text with config\n"), configured.getOutput());

        LaunchResult replaced = launcher.launch("--plugins", DIR.resolve("other").toString(), "plugins", "--section", "flows");
        assertEquals(0, replaced.exitCode(), replaced.getErrorOutput());
        assertTrue(replaced.getOutput().contains("Plugins directory " + DIR.resolve("other") + ": 0 jar(s)"), replaced.getOutput());
        assertTrue(!replaced.getOutput().contains("  tag - "), replaced.getOutput());
    }
}
