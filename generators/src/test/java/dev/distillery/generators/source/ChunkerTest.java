package dev.distillery.generators.source;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkerTest {

    static String paragraph(String word, int words) {
        return (word + " ").repeat(words).strip();
    }

    @Test
    void textIsPackedByParagraphsWithinTheLimit() {
        String doc = paragraph("alpha", 10) + "\n\n" + paragraph("beta", 10) + "\n\n" + paragraph("gamma", 10);
        // Each paragraph is 59-60 chars + newline; two paragraphs plus the blank line fit in 130, three do not.
        List<Chunker.Chunk> chunks = new Chunker(130, 0).chunk(doc, Chunker.Mode.TEXT);
        assertEquals(2, chunks.size());
        assertEquals(paragraph("alpha", 10) + "\n\n" + paragraph("beta", 10), chunks.get(0).text());
        assertEquals(paragraph("gamma", 10), chunks.get(1).text());
        assertEquals(1, chunks.get(0).startLine());
        assertEquals(3, chunks.get(0).endLine());
        assertEquals(5, chunks.get(1).startLine());
        chunks.forEach(c -> assertTrue(c.text().length() <= 130));
    }

    @Test
    void markdownHeadingsStartChunksAndFencesStayWhole() {
        String doc = "# Intro\n" + paragraph("intro", 12) + "\n\n```java\nint a = 1;\n\nint b = 2;\n```\n\n# Usage\n" + paragraph("usage", 5);
        List<Chunker.Chunk> chunks = new Chunker(200, 0).chunk(doc, Chunker.Mode.MARKDOWN);
        assertEquals(2, chunks.size(), chunks.toString());
        assertTrue(chunks.get(0).text().contains("int a = 1;\n\nint b = 2;\n```"), "the fence is not split at its blank line");
        assertTrue(chunks.get(1).text().startsWith("# Usage"));
    }

    @Test
    void codeSplitsAtTopLevelBlocksOnly() {
        String doc = "class A {\n    void f() {}\n\n    void g() {}\n}\n\nclass B {\n}\n";
        // class A (46 chars with its blank lines) and class B (13) do not fit in 50 together: A stays whole, even
        // across its inner blank line, because the line after it is indented.
        List<Chunker.Chunk> chunks = new Chunker(50, 0).chunk(doc, Chunker.Mode.CODE);
        assertEquals(List.of("class A {\n    void f() {}\n\n    void g() {}\n}", "class B {\n}"),
                chunks.stream().map(Chunker.Chunk::text).toList());
        assertEquals(7, chunks.get(1).startLine());
    }

    @Test
    void overlapRepeatsWholeTrailingLines() {
        String doc = "line one is here\nline two is here\nline three is here\nline four is here\nline five is here";
        List<Chunker.Chunk> chunks = new Chunker(40, 20).chunk(doc, Chunker.Mode.CODE);
        for (int i = 1; i < chunks.size(); i++) {
            String prevLast = chunks.get(i - 1).text().lines().toList().getLast();
            assertEquals(prevLast, chunks.get(i).text().lines().findFirst().orElseThrow(), "chunk " + i + " starts with the previous chunk's last line");
        }
        assertTrue(chunks.size() >= 3);
    }

    @Test
    void aLineLongerThanAChunkIsCutAtWords() {
        String doc = paragraph("word", 100);
        List<Chunker.Chunk> chunks = new Chunker(64, 0).chunk(doc, Chunker.Mode.TEXT);
        assertEquals(String.join(" ", chunks.stream().map(Chunker.Chunk::text).toList()), doc, "nothing lost, nothing added");
        chunks.forEach(c -> assertTrue(c.text().length() <= 64, c.text()));
        chunks.forEach(c -> assertEquals(1, c.startLine()));
    }

    @Test
    void rejectsNonsenseLimits() {
        assertThrows(IllegalArgumentException.class, () -> new Chunker(100, 100));
        assertThrows(IllegalArgumentException.class, () -> new Chunker(4, 0));
    }

    @Test
    void modeFollowsTheExtension() {
        assertEquals(Chunker.Mode.MARKDOWN, Chunker.Mode.forFileName("a/README.md"));
        assertEquals(Chunker.Mode.CODE, Chunker.Mode.forFileName("Main.java"));
        assertEquals(Chunker.Mode.TEXT, Chunker.Mode.forFileName("notes.txt"));
        assertEquals(Chunker.Mode.TEXT, Chunker.Mode.forFileName("LICENSE"));
    }
}
