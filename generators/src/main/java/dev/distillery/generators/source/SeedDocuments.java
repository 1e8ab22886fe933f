package dev.distillery.generators.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.RecordIds;
import dev.distillery.datasets.model.SourceFields;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * Seed documents for content-transformation flows: files under a directory matched by globs (Markdown, text,
 * code), read one at a time and optionally chunked. Each record is a {@code text} payload whose lineage names the
 * document ({@code seedDocumentId}) and whose source fields keep the path and line range.
 *
 * <pre>{@code RecordSource seeds = SeedDocuments.builder(Path.of("docs")).include("**}{@code /*.md", "src/**}{@code /*.java")
 *         .chunk(2000, 200).build();}</pre>
 */
public final class SeedDocuments implements RecordSource {

    /** The {@link SourceFields#format()} of seed-document records. */
    public static final String FORMAT = "seed-documents";

    private final Path base;
    private final List<String> includes;
    private final List<String> excludes;
    private final Chunker chunker;
    private final long maxFileBytes;

    private SeedDocuments(Builder b) {
        this.base = b.base;
        this.includes = List.copyOf(b.includes);
        this.excludes = List.copyOf(b.excludes);
        this.chunker = b.maxChars > 0 ? new Chunker(b.maxChars, b.overlap) : null;
        this.maxFileBytes = b.maxFileBytes;
    }

    public static Builder builder(Path base) {
        return new Builder(base);
    }

    /** The matching files, relative to the base, sorted so that every pass and every machine sees the same order. */
    public List<Path> files() {
        if (!Files.isDirectory(base)) throw new DatasetException(base + ": seed document directory does not exist");
        List<PathMatcher> in = includes.stream().map(SeedDocuments::matcher).toList();
        List<PathMatcher> out = excludes.stream().map(SeedDocuments::matcher).toList();
        try (Stream<Path> walk = Files.walk(base)) {
            List<Path> files = walk.filter(Files::isRegularFile).map(base::relativize)
                    .filter(p -> matches(in, p) && !matches(out, p)).sorted().toList();
            if (files.isEmpty()) {
                throw new DatasetException(base + ": no file matches " + String.join(", ", includes)
                        + (excludes.isEmpty() ? "" : " (excluding " + String.join(", ", excludes) + ")"));
            }
            return files;
        } catch (IOException e) {
            throw new DatasetException(base + ": cannot list seed documents: " + e.getMessage(), e);
        }
    }

    @Override
    public RecordIterator open() {
        Iterator<Path> files = files().iterator();
        Deque<DataRecord> ready = new ArrayDeque<>();
        // Lazy: one file's records in memory at a time, whatever the corpus size.
        Iterator<DataRecord> it = new Iterator<>() {
            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && files.hasNext()) ready.addAll(read(files.next()));
                return !ready.isEmpty();
            }

            @Override
            public DataRecord next() {
                if (!hasNext()) throw new NoSuchElementException();
                return ready.poll();
            }
        };
        return RecordIterator.of(it);
    }

    @Override
    public String describe() {
        return base + " (" + String.join(", ", includes) + ")";
    }

    private List<DataRecord> read(Path relative) {
        Path file = base.resolve(relative);
        String text;
        try {
            if (Files.size(file) > maxFileBytes) {
                throw new DatasetException(file + ": " + Files.size(file) + " bytes is over the seed document limit of "
                        + maxFileBytes + "; exclude it or raise maxFileBytes");
            }
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new DatasetException(file + ": not valid UTF-8; seed documents must be UTF-8 text", e);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read: " + e.getMessage(), e);
        }
        String path = relative.toString().replace('\\', '/');
        String docId = RecordIds.sha256Hex((path + "\u0000" + text).getBytes(StandardCharsets.UTF_8)).substring(0, 24);
        Chunker.Mode mode = Chunker.Mode.forFileName(path);
        List<DataRecord> out = new ArrayList<>();
        if (chunker == null) {
            ObjectNode f = fields(path, mode);
            out.add(new DataRecord(docId, "document", new Payload.Text(text),
                    new Lineage(List.of(), null, null, List.of(), null, docId), null, new SourceFields(FORMAT, f)));
            return out;
        }
        for (Chunker.Chunk c : chunker.chunk(text, mode)) {
            ObjectNode f = fields(path, mode);
            f.put("chunk", c.index());
            f.put("lines", c.startLine() + "-" + c.endLine());
            String id = RecordIds.sha256Hex((docId + "#" + c.index()).getBytes(StandardCharsets.UTF_8)).substring(0, 24);
            out.add(new DataRecord(id, "chunk", new Payload.Text(c.text()),
                    new Lineage(List.of(docId), null, "chunk", List.of(), null, docId), null, new SourceFields(FORMAT, f)));
        }
        return out;
    }

    private static ObjectNode fields(String path, Chunker.Mode mode) {
        ObjectNode f = Json.object();
        f.put("path", path);
        f.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        return f;
    }

    private static PathMatcher matcher(String glob) {
        return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    }

    private static boolean matches(List<PathMatcher> matchers, Path p) {
        for (PathMatcher m : matchers) if (m.matches(p)) return true;
        return false;
    }

    /** Configures a seed-document source. */
    public static final class Builder {
        private final Path base;
        private final List<String> includes = new ArrayList<>();
        private final List<String> excludes = new ArrayList<>();
        private int maxChars;
        private int overlap;
        private long maxFileBytes = 16L << 20;

        private Builder(Path base) {
            this.base = base;
        }

        /**
         * Globs relative to the base; {@code **}{@code /} also matches the base itself, so {@code **}{@code /*.md}
         * finds top-level files too. Default: Markdown and text files.
         */
        public Builder include(String... globs) {
            for (String g : globs) {
                includes.add(g);
                if (g.startsWith("**/")) includes.add(g.substring(3));
            }
            return this;
        }

        public Builder exclude(String... globs) {
            for (String g : globs) {
                excludes.add(g);
                if (g.startsWith("**/")) excludes.add(g.substring(3));
            }
            return this;
        }

        /** Chunks of at most {@code maxChars}, sharing up to {@code overlap} characters; without this, one record per file. */
        public Builder chunk(int maxChars, int overlap) {
            new Chunker(maxChars, overlap); // validates now, not at the first file
            this.maxChars = maxChars;
            this.overlap = overlap;
            return this;
        }

        /** Larger files fail the read with their name (a stray binary or dump is usually a mistake). */
        public Builder maxFileBytes(long n) {
            this.maxFileBytes = n;
            return this;
        }

        public SeedDocuments build() {
            if (includes.isEmpty()) include("**/*.md", "**/*.markdown", "**/*.txt");
            return new SeedDocuments(this);
        }
    }
}
