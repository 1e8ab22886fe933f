package dev.distillery.orchestrator.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunDirectoryTest {

    @TempDir
    Path tmp;

    private RunDirectory dir() {
        return RunDirectory.at(tmp.resolve("run"), Secrets.of(Map.of())).create();
    }

    @Test
    void resolvesPlainPathsInside() {
        RunDirectory d = dir();
        assertEquals(d.root().resolve("stages/generate/part-0.jsonl"), d.resolve("stages/generate/part-0.jsonl"));
        assertEquals(d.root().resolve("stages/x"), d.resolve("stages/./x"));
        assertEquals(d.root().resolve("stages/generate"), d.stageDir("generate"));
        assertEquals(d.root().resolve("logs/run.log"), d.logFile());
    }

    @Test
    void refusesPathsThatLeaveTheRunDirectory() {
        RunDirectory d = dir();
        for (String bad : List.of("../secret", "stages/../../secret", "a/b/../../../x", "/etc/passwd", "\\etc\\passwd",
                "C:\\Windows", "..", "stages\\..\\..\\x", "ok\0.jsonl")) {
            UnsafePathException e = assertThrows(UnsafePathException.class, () -> d.resolve(bad), bad);
            assertTrue(e.getMessage().startsWith("refusing path '"), e.getMessage());
            assertEquals(bad, e.requested());
        }
        assertThrows(IllegalArgumentException.class, () -> d.stageDir(".."));
        assertThrows(IllegalArgumentException.class, () -> d.stageDir("a/b"));
    }

    @Test
    void refusesSymbolicLinksThatPointOutsideButFollowsOnesThatStayInside() throws Exception {
        RunDirectory d = dir();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(d.root().resolve("stages/evil"), outside);
        Files.createSymbolicLink(d.root().resolve("escape.txt"), outside.resolve("secret.txt"));
        UnsafePathException e = assertThrows(UnsafePathException.class, () -> d.resolve("stages/evil/secret.txt"));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertThrows(UnsafePathException.class, () -> d.resolve("stages/evil/not-yet-there.txt"));
        assertThrows(UnsafePathException.class, () -> d.resolve("escape.txt"));

        Files.createDirectories(d.root().resolve("stages/real"));
        Files.createSymbolicLink(d.root().resolve("stages/alias"), d.root().resolve("stages/real"));
        assertEquals(d.root().resolve("stages/alias/x.jsonl"), d.resolve("stages/alias/x.jsonl"));
    }
}
