package dev.distillery.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.format.Formats;
import dev.distillery.datasets.format.LossReport;
import dev.distillery.datasets.format.RecordFormat;
import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.FieldException;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.json.JsonErrors;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.store.Dataset;
import dev.distillery.datasets.store.DatasetWriter;
import dev.distillery.datasets.store.InvalidRecordHandler;
import dev.distillery.datasets.store.JsonlFile;
import dev.distillery.datasets.store.JsonlFileWriter;
import dev.distillery.datasets.store.Manifest;
import dev.distillery.datasets.store.ReadStats;
import dev.distillery.datasets.store.RecordDecoder;
import dev.distillery.datasets.store.RecordEncoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The entry point for reading and writing data in any format: a dataset directory, or a single JSONL file
 * (plain or gzip) in any of the {@link Formats}.
 *
 * <pre>{@code
 * Datasets.Input in = Datasets.input(Path.of("alpaca.jsonl"), null);          // format detected
 * try (Datasets.Output out = Datasets.output(Path.of("sft"), "trl-messages", Datasets.WriteOptions.defaults());
 *      RecordIterator it = in.open()) {
 *     it.forEachRemaining(out::write);
 * }
 * }</pre>
 */
public final class Datasets {

    /** How many leading rows format detection looks at. */
    private static final int DETECTION_SAMPLE = 20;

    private Datasets() {
    }

    /**
     * Opens an input for reading.
     *
     * @param path   a dataset directory or a {@code .jsonl}/{@code .jsonl.gz} file
     * @param format the format name, or null to take it from the manifest or detect it from the first rows
     */
    public static Input input(Path path, String format) {
        if (Files.isDirectory(path)) {
            Manifest m = Manifest.read(path);
            RecordFormat f = Formats.byName(format != null ? format : m.format());
            return new Input(path, f, Dataset.open(path, decoder(f)));
        }
        if (!Files.exists(path)) throw new DatasetException(path + ": no such file or directory");
        if (sizeOf(path) == 0) {
            throw new DatasetException(path + ": empty file; expected JSON lines, one record per line.");
        }
        RecordFormat f;
        if (format != null) {
            f = Formats.byName(format);
        } else {
            List<ObjectNode> sample = JsonlFile.sampleRows(path, DETECTION_SAMPLE);
            if (sample.isEmpty()) {
                throw new DatasetException(path + ": no JSON object in the first lines; expected JSON lines, one "
                        + "record per line (a JSON array file is not JSONL).");
            }
            try {
                f = Formats.detect(sample);
            } catch (IllegalArgumentException e) {
                throw new DatasetException(path + ": " + e.getMessage());
            }
        }
        return new Input(path, f, new JsonlFile(path, decoder(f)));
    }

    /** Where and how an output is written. */
    public record WriteOptions(DatasetWriter.WriteMode mode, String createdBy, List<String> inputs) {
        public static WriteOptions defaults() {
            return new WriteOptions(DatasetWriter.WriteMode.CREATE, "distillery", List.of());
        }

        public WriteOptions withMode(DatasetWriter.WriteMode m) {
            return new WriteOptions(m, createdBy, inputs);
        }

        public WriteOptions withCreatedBy(String by) {
            return new WriteOptions(mode, by, inputs);
        }

        public WriteOptions withInputs(List<String> in) {
            return new WriteOptions(mode, createdBy, in);
        }
    }

    /**
     * Opens an output: a single file when {@code path} ends in {@code .jsonl}, {@code .jsonl.gz} or {@code .json},
     * otherwise a dataset directory. Parts the format cannot carry are noted in {@link Output#losses()}.
     */
    public static Output output(Path path, String format, WriteOptions options) {
        RecordFormat f = Formats.byName(format);
        LossReport loss = new LossReport();
        RecordEncoder enc = encoder(f, loss);
        if (isSingleFile(path)) {
            if (options.mode() == DatasetWriter.WriteMode.APPEND) {
                throw new DatasetException(path + ": appending works on dataset directories only; a single-file "
                        + "output is written whole (use --overwrite to replace it, or a directory output).");
            }
            boolean overwrite = options.mode() == DatasetWriter.WriteMode.OVERWRITE;
            return new Output(path, f, loss, new JsonlFileWriter(path, enc, overwrite));
        }
        DatasetWriter w = DatasetWriter.builder(path).format(f.name(), enc, decoder(f)).mode(options.mode())
                .createdBy(options.createdBy()).inputs(options.inputs()).open();
        return new Output(path, f, loss, w);
    }

    public static boolean isSingleFile(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".jsonl.gz") || name.endsWith(".json");
    }

    /** Decodes a line in {@code format}: bytes to a JSON object, then the format's mapping. */
    public static RecordDecoder decoder(RecordFormat format) {
        if (format.name().equals("distillery")) return RecordDecoder.NATIVE; // binds bytes directly, no tree
        return (buf, off, len) -> {
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(buf, off, len);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw JsonErrors.toFieldException(e);
            } catch (IOException e) {
                throw new FieldException(null, e.getMessage());
            }
            if (!(node instanceof ObjectNode row)) {
                throw new FieldException(null, "expected a JSON object per line, found "
                        + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT)));
            }
            return format.decode(row);
        };
    }

    /** Encodes a record as a line in {@code format}, noting what it cannot carry in {@code loss}. */
    public static RecordEncoder encoder(RecordFormat format, LossReport loss) {
        if (format.name().equals("distillery")) return RecordEncoder.NATIVE;
        return record -> Json.bytes(format.encode(record, loss));
    }

    private static long sizeOf(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw new DatasetException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** An opened input: its format and a re-openable stream of its records. */
    public static final class Input implements RecordSource {
        private final Path path;
        private final RecordFormat format;
        private final RecordSource source;

        private Input(Path path, RecordFormat format, RecordSource source) {
            this.path = path;
            this.format = format;
            this.source = source;
        }

        public Path path() {
            return path;
        }

        public RecordFormat format() {
            return format;
        }

        @Override
        public RecordIterator open() {
            return source.open();
        }

        /** A pass that sends bad lines to {@code onInvalid} (rethrow, or a rejects file) and counts into {@code stats}. */
        public RecordIterator open(InvalidRecordHandler onInvalid, ReadStats stats) {
            return source instanceof Dataset d ? d.open(onInvalid, stats) : ((JsonlFile) source).open(onInvalid, stats);
        }

        @Override
        public String describe() {
            return path + " (" + format.name() + ")";
        }
    }

    /**
     * An opened output. Nothing is published until {@link #commit()}: closing an output that was not committed
     * (because the work failed) removes a single-file output and leaves a dataset directory marked incomplete.
     *
     * <pre>{@code
     * try (Datasets.Output out = Datasets.output(path, "trl-messages", options)) {
     *     records.forEach(out::write);
     *     out.commit();
     * }
     * }</pre>
     */
    public static final class Output implements RecordSink {
        private final Path path;
        private final RecordFormat format;
        private final LossReport losses;
        private final RecordSink sink;
        private long written;
        private boolean finished;

        private Output(Path path, RecordFormat format, LossReport losses, RecordSink sink) {
            this.path = path;
            this.format = format;
            this.losses = losses;
            this.sink = sink;
        }

        @Override
        public synchronized void write(DataRecord record) {
            sink.write(record);
            written++;
        }

        public synchronized long written() {
            return written;
        }

        public Path path() {
            return path;
        }

        public RecordFormat format() {
            return format;
        }

        /** What the format could not carry, one line per kind of loss. */
        public LossReport losses() {
            return losses;
        }

        /** Publishes: the single file appears under its name, or the dataset's manifest is completed. */
        public synchronized void commit() {
            if (finished) return;
            finished = true;
            sink.close();
        }

        /** Without a prior {@link #commit()}, gives up: nothing is published. */
        @Override
        public synchronized void close() {
            if (finished) return;
            finished = true;
            if (sink instanceof JsonlFileWriter f) f.abort();
            else if (sink instanceof DatasetWriter w) w.abandon();
            else sink.close();
        }
    }
}
