package dev.distillery.generators.source;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.DataRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedDocumentsTest {

    static List<DataRecord> all(SeedDocuments s) {
        List<DataRecord> out = new ArrayList<>();
        try (RecordIterator it = s.open()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void globsSelectFilesInSortedOrderAndChunksKnowTheirDocument(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("guide"));
        Files.writeString(dir.resolve("guide/b.md"), "# B\n" + "beta ".repeat(30) + "\n\n# B2\n" + "more ".repeat(30));
        Files.writeString(dir.resolve("a.txt"), "Alpha text.");
        Files.writeString(dir.resolve("Main.java"), "class Main {}\n");
        Files.writeString(dir.resolve("skip.md"), "skipped");
        SeedDocuments s = SeedDocuments.builder(dir).include("**/*.md", "**/*.txt").exclude("skip.md").chunk(200, 0).build();
        assertEquals(List.of(Path.of("a.txt"), Path.of("guide/b.md")), s.files());
        List<DataRecord> records = all(s);
        assertEquals(3, records.size());
        assertEquals("Alpha text.", records.get(0).payload().text());
        DataRecord b0 = records.get(1);
        DataRecord b1 = records.get(2);
        assertEquals(b0.lineage().seedDocumentId(), b1.lineage().seedDocumentId());
        assertEquals(List.of(b0.lineage().seedDocumentId()), b0.lineage().parentIds());
        assertEquals("guide/b.md", b1.source().fields().get("path").asText());
        assertEquals("markdown", b1.source().fields().get("mode").asText());
        assertTrue(b1.payload().text().startsWith("# B2"));
        assertEquals(records.stream().map(DataRecord::id).toList(), all(s).stream().map(DataRecord::id).toList(), "stable ids");
    }

    @Test
    void withoutChunkingEachFileIsOneDocument(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.md"), "# X\nbody");
        List<DataRecord> records = all(SeedDocuments.builder(dir).build());
        assertEquals(1, records.size());
        assertEquals("document", records.getFirst().kind());
        assertEquals(records.getFirst().id(), records.getFirst().lineage().seedDocumentId());
    }

    @Test
    void badInputFailsNamingThePath(@TempDir Path dir) throws Exception {
        DatasetException none = assertThrows(DatasetException.class, () -> SeedDocuments.builder(dir).include("**/*.md").build().open());
        assertTrue(none.getMessage().contains(dir.toString()) && none.getMessage().contains("**/*.md"), none.getMessage());
        Files.write(dir.resolve("bad.txt"), new byte[]{'o', 'k', (byte) 0xC3, (byte) 0x28});
        DatasetException utf = assertThrows(DatasetException.class, () -> all(SeedDocuments.builder(dir).include("*.txt").build()));
        assertTrue(utf.getMessage().contains("bad.txt") && utf.getMessage().contains("UTF-8"), utf.getMessage());
        assertThrows(DatasetException.class, () -> SeedDocuments.builder(dir.resolve("missing")).build().open());
    }
}
