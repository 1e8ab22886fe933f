package dev.distillery.datasets.spi;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.distillery.datasets.format.Formats;
import dev.distillery.datasets.format.RecordFormat;
import dev.distillery.datasets.model.DataRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A plugins directory of real jars: loading, origins, broken jars, and reloading a rebuilt jar. */
class PluginFolderTest {

    @TempDir
    Path tmp;

    @AfterEach
    void forgetTheDirectory() {
        Plugins.use((PluginFolder) null);
    }

    /** A record format plugin reading {"shout": "..."} rows, upper-casing them in version 2. */
    private static Path shoutFormat(Path jar, String version, boolean upper) {
        return PluginJarBuilder.create().source("shout.ShoutFormat", """
                package shout;
                import com.fasterxml.jackson.databind.node.JsonNodeFactory;
                import com.fasterxml.jackson.databind.node.ObjectNode;
                import dev.distillery.datasets.format.LossReport;
                import dev.distillery.datasets.format.RecordFormat;
                import dev.distillery.datasets.model.DataRecord;
                import dev.distillery.datasets.model.Payload;
                public class ShoutFormat implements RecordFormat {
                    public String name() { return "shout"; }
                    public String description() { return "shout rows, %s"; }
                    public int match(ObjectNode row) { return row.has("shout") ? 10 : 0; }
                    public DataRecord decode(ObjectNode row) {
                        String t = row.get("shout").asText();
                        return DataRecord.of(new Payload.Text(%s));
                    }
                    public ObjectNode encode(DataRecord r, LossReport loss) {
                        return JsonNodeFactory.instance.objectNode().put("shout", r.payload().text());
                    }
                }
                """.formatted(version, upper ? "t.toUpperCase()" : "t"))
                .service(RecordFormat.class, "shout.ShoutFormat")
                .writeTo(jar);
    }

    private static String decode(String text) {
        DataRecord r = Formats.byName("shout").decode(JsonNodeFactory.instance.objectNode().put("shout", text));
        return r.payload().text();
    }

    @Test
    void aMissingDirectoryOrAFileIsRefusedByName() throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> PluginFolder.open(tmp.resolve("nope")));
        assertTrue(missing.getMessage().contains("plugins directory " + tmp.resolve("nope") + " does not exist"), missing.getMessage());
        Path file = Files.writeString(tmp.resolve("plugins.txt"), "x");
        IllegalArgumentException notDir = assertThrows(IllegalArgumentException.class, () -> Plugins.use(file));
        assertTrue(notDir.getMessage().contains(file + " is not a directory"), notDir.getMessage());
        assertTrue(Plugins.folder().isEmpty());
    }

    @Test
    void jarsInTheDirectoryRegisterProvidersAndBrokenJarsAreSkippedByName() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path good = shoutFormat(dir.resolve("shout.jar"), "v1", false);
        Path corrupt = Files.writeString(dir.resolve("corrupt.jar"), "this is not a zip file");
        Path missingClass = PluginJarBuilder.create().service(RecordFormat.class, "gone.NoSuchFormat")
                .writeTo(dir.resolve("missing-class.jar"));
        Files.writeString(dir.resolve("notes.txt"), "not a jar, ignored");

        assertThrows(IllegalArgumentException.class, () -> Formats.byName("shout"));
        PluginFolder folder = Plugins.use(dir);
        assertEquals(List.of(missingClass, good), folder.jars(), "sorted by name; the corrupt jar is left out, the others load");

        assertEquals("hello", decode("hello"));
        assertTrue(Formats.all().stream().anyMatch(f -> f.name().equals("trl-messages")), "built-ins stay");
        List<String> warnings = folder.warnings();
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith(corrupt + ": skipped, not a readable jar")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith(missingClass + ": skipping RecordFormat provider gone.NoSuchFormat")),
                warnings.toString());

        RecordFormat shout = Formats.byName("shout");
        PluginOrigin origin = Plugins.origin(RecordFormat.class, shout);
        assertEquals(PluginOrigin.Kind.PLUGINS_DIR, origin.kind());
        assertEquals(good.toString(), origin.location());
        assertEquals("plugins dir: " + good, origin.describe());
        assertEquals(PluginOrigin.Kind.BUILT_IN, Plugins.origin(RecordFormat.class, Formats.byName("trl-messages")).kind());
    }

    @Test
    void aRebuiltJarIsReloadedOnRefreshAndARemovedOneDisappears() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path jar = shoutFormat(dir.resolve("shout.jar"), "v1", false);
        PluginFolder folder = Plugins.use(dir);
        assertEquals("quiet", decode("quiet"));
        assertFalse(Plugins.refresh(), "nothing changed");

        shoutFormat(jar, "v2", true);
        // Until the refresh the loaded version keeps serving: a run never switches versions half-way.
        assertEquals("shout rows, v1", Formats.byName("shout").description());
        long before = Plugins.generation();
        assertTrue(Plugins.refresh());
        assertTrue(Plugins.generation() > before);
        assertEquals("shout rows, v2", Formats.byName("shout").description());
        assertEquals("QUIET", decode("quiet"));
        assertEquals(1, folder.reloads());

        Files.delete(jar);
        assertTrue(Plugins.refresh());
        assertThrows(IllegalArgumentException.class, () -> Formats.byName("shout"));
        assertEquals(List.of(), folder.jars());
    }
}
