package dev.distillery.generators.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.json.Json;
import dev.distillery.generators.model.DeadLetter;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Where a run's dead letters go: a JSONL file next to the stage's output, or a list in tests.
 *
 * <pre>{@code try (DeadLetterSink dl = DeadLetterSink.jsonl(out.resolve("dead-letters.jsonl"))) { ... }}</pre>
 */
public interface DeadLetterSink extends AutoCloseable {

    void write(DeadLetter deadLetter);

    @Override
    void close();

    /** Appends one JSON object per dead letter to {@code file}, flushing each so a crash loses none. */
    static DeadLetterSink jsonl(Path file) {
        BufferedWriter w;
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot open dead-letter file: " + e.getMessage(), e);
        }
        return new DeadLetterSink() {
            @Override
            public synchronized void write(DeadLetter d) {
                try {
                    w.write(Json.string(toJson(d)));
                    w.write('\n');
                    w.flush();
                } catch (IOException e) {
                    throw new DatasetException(file + ": cannot write dead letter: " + e.getMessage(), e);
                }
            }

            @Override
            public synchronized void close() {
                try {
                    w.close();
                } catch (IOException e) {
                    throw new DatasetException(file + ": cannot close dead-letter file: " + e.getMessage(), e);
                }
            }
        };
    }

    static DeadLetterSink into(List<DeadLetter> target) {
        return new DeadLetterSink() {
            @Override
            public synchronized void write(DeadLetter d) {
                target.add(d);
            }

            @Override
            public void close() {
            }
        };
    }

    static DeadLetterSink discard() {
        return into(new java.util.AbstractList<>() {
            @Override
            public boolean add(DeadLetter d) {
                return true;
            }

            @Override
            public DeadLetter get(int i) {
                throw new IndexOutOfBoundsException(i);
            }

            @Override
            public int size() {
                return 0;
            }
        });
    }

    /** The JSONL shape: the record's fields, {@code at} as ISO-8601. */
    static ObjectNode toJson(DeadLetter d) {
        ObjectNode o = Json.object();
        o.put("recordId", d.recordId());
        o.put("flow", d.flow());
        if (d.stage() != null) o.put("stage", d.stage());
        if (d.model() != null) o.put("model", d.model());
        o.put("kind", d.kind().name());
        o.put("reason", d.reason());
        o.put("attempts", d.attempts());
        o.put("at", d.at().toString());
        return o;
    }
}
