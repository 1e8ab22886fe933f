package dev.distillery.generators.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Splits a document into chunks of at most {@code maxChars} characters along the boundaries its kind suggests:
 * paragraphs for text; paragraphs with headings preferred as chunk starts and code fences kept whole for Markdown;
 * top-level blocks (a blank line followed by an unindented line) for code. A block too long for one chunk is split
 * by lines, and a line too long by words. Consecutive chunks share up to {@code overlapChars} of whole lines so a
 * fact cut at a boundary is still seen whole once.
 *
 * <pre>{@code List<Chunker.Chunk> chunks = new Chunker(2000, 200).chunk(text, Chunker.Mode.forFileName("notes.md"));}</pre>
 */
public final class Chunker {

    /** How a document's blocks are found. */
    public enum Mode {
        TEXT, MARKDOWN, CODE;

        private static final Set<String> CODE_EXTENSIONS = Set.of("java", "kt", "scala", "groovy", "py", "js", "ts", "tsx",
                "jsx", "go", "rs", "c", "h", "cc", "cpp", "hpp", "cs", "rb", "php", "swift", "sh", "bash", "sql", "r", "jl", "lua");

        /** By extension: {@code .md}/{@code .markdown} is Markdown, known source extensions are code, anything else text. */
        public static Mode forFileName(String name) {
            int dot = name.lastIndexOf('.');
            String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
            if (ext.equals("md") || ext.equals("markdown")) return MARKDOWN;
            return CODE_EXTENSIONS.contains(ext) ? CODE : TEXT;
        }
    }

    /**
     * One chunk.
     *
     * @param index     0-based position in the document
     * @param text      the chunk, without leading or trailing blank lines
     * @param startLine first line of the document it covers (1-based, overlap included)
     * @param endLine   last line it covers
     */
    public record Chunk(int index, String text, int startLine, int endLine) {
    }

    private final int maxChars;
    private final int overlapChars;

    public Chunker(int maxChars, int overlapChars) {
        if (maxChars < 16) throw new IllegalArgumentException("max-chars must be >= 16, got " + maxChars);
        if (overlapChars < 0 || overlapChars >= maxChars) {
            throw new IllegalArgumentException("overlap must be >= 0 and below max-chars (" + maxChars + "), got " + overlapChars);
        }
        this.maxChars = maxChars;
        this.overlapChars = overlapChars;
    }

    /** A physical line, or a piece of one that was longer than a chunk; {@code number} is the 1-based source line. */
    private record Line(String text, int number) {
        int size() {
            return text.length() + 1;
        }
    }

    /** A run of lines [from, to) that should stay together; {@code heading} prefers to start a chunk. */
    private record Block(int from, int to, boolean heading) {
    }

    public List<Chunk> chunk(String document, Mode mode) {
        Objects.requireNonNull(document, "document");
        List<Line> lines = lines(document);
        List<Block> blocks = split(blocks(lines, mode), lines);
        List<Chunk> chunks = new ArrayList<>();
        int start = -1;
        int end = -1;
        int size = 0;
        for (Block b : blocks) {
            int bsize = size(lines, b.from(), b.to());
            boolean full = size + bsize > maxChars;
            boolean headingBreak = b.heading() && size >= maxChars / 2;
            if (start >= 0 && (full || headingBreak)) {
                emit(chunks, lines, start, end);
                start = overlapStart(lines, start, end, bsize);
                size = size(lines, start, end);
            }
            if (start < 0) {
                start = b.from();
                size = 0;
            }
            end = b.to();
            size += bsize;
        }
        if (start >= 0) emit(chunks, lines, start, end);
        return chunks;
    }

    /** Where the next chunk starts: whole trailing lines of the previous one, within the overlap and the room left. */
    private int overlapStart(List<Line> lines, int prevStart, int prevEnd, int nextBlockSize) {
        int budget = Math.min(overlapChars, maxChars - nextBlockSize);
        int s = prevEnd;
        int used = 0;
        while (s - 1 > prevStart && used + lines.get(s - 1).size() <= budget) {
            used += lines.get(s - 1).size();
            s--;
        }
        return s;
    }

    private static void emit(List<Chunk> chunks, List<Line> lines, int from, int to) {
        while (from < to && lines.get(from).text().isBlank()) from++;
        while (to > from && lines.get(to - 1).text().isBlank()) to--;
        if (from >= to) return;
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (i > from) sb.append('\n');
            sb.append(lines.get(i).text());
        }
        chunks.add(new Chunk(chunks.size(), sb.toString(), lines.get(from).number(), lines.get(to - 1).number()));
    }

    private static int size(List<Line> lines, int from, int to) {
        int s = 0;
        for (int i = from; i < to; i++) s += lines.get(i).size();
        return s;
    }

    /** Physical lines, with any line longer than a chunk cut at word boundaries. */
    private List<Line> lines(String document) {
        List<Line> out = new ArrayList<>();
        String[] raw = document.replace("\r\n", "\n").split("\n", -1);
        int limit = maxChars - 1;
        for (int n = 0; n < raw.length; n++) {
            String l = raw[n];
            while (l.length() > limit) {
                int cut = l.lastIndexOf(' ', limit);
                if (cut <= limit / 2) cut = limit;    // no usable space: cut mid-word rather than make tiny pieces
                out.add(new Line(l.substring(0, cut), n + 1));
                l = l.substring(cut).stripLeading();
            }
            out.add(new Line(l, n + 1));
        }
        return out;
    }

    private static List<Block> blocks(List<Line> lines, Mode mode) {
        List<Block> out = new ArrayList<>();
        int start = 0;
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).text();
            if (mode == Mode.MARKDOWN && t.stripLeading().startsWith("```")) inFence = !inFence;
            if (i == start || inFence) continue;
            boolean boundary = switch (mode) {
                case TEXT -> lines.get(i - 1).text().isBlank() && !t.isBlank();
                case MARKDOWN -> isHeading(t) || (lines.get(i - 1).text().isBlank() && !t.isBlank());
                case CODE -> lines.get(i - 1).text().isBlank() && !t.isBlank() && !Character.isWhitespace(t.charAt(0));
            };
            if (boundary) {
                out.add(new Block(start, i, mode == Mode.MARKDOWN && isHeading(lines.get(start).text())));
                start = i;
            }
        }
        if (start < lines.size()) out.add(new Block(start, lines.size(), mode == Mode.MARKDOWN && isHeading(lines.get(start).text())));
        return out;
    }

    /** Blocks larger than a chunk become one block per line. */
    private List<Block> split(List<Block> blocks, List<Line> lines) {
        List<Block> out = new ArrayList<>();
        for (Block b : blocks) {
            if (size(lines, b.from(), b.to()) <= maxChars) {
                out.add(b);
            } else {
                for (int i = b.from(); i < b.to(); i++) out.add(new Block(i, i + 1, i == b.from() && b.heading()));
            }
        }
        return out;
    }

    private static boolean isHeading(String line) {
        return line.matches("#{1,6}\\s.*");
    }
}
