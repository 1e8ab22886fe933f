package dev.distillery.bench;

import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.store.Dataset;
import dev.distillery.datasets.store.DatasetWriter;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * JSONL write + read of N small chat records through the dataset store (Jackson binding, SHA-256 per shard,
 * manifest), against a named baseline measured in the same run: copying the same number of same-sized lines with
 * a plain BufferedWriter/BufferedReader and no JSON at all (the I/O floor).
 *
 * <p>Run with a capped heap to check that memory stays flat:
 * {@code java -Xmx256m -cp ... dev.distillery.bench.JsonlBench 1000000}. Prints records/s, the ratio to the
 * baseline, and the peak heap used.
 */
public final class JsonlBench {

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path tmp = Files.createTempDirectory("distillery-jsonl-bench");
        try {
            System.out.printf("JSONL bench: %,d records, %d cores, max heap %d MiB, %s%n", n,
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, Runtime.version());
            run(tmp, Math.min(n, 200_000)); // warm-up: JIT, page cache
            HeapPeak.reset();
            double[] r = run(tmp, n);
            long peak = HeapPeak.mib();
            System.out.printf("%-34s %12s %12s%n", "", "records/s", "vs baseline");
            System.out.printf("%-34s %,12.0f %12s%n", "baseline: raw line copy (write)", r[0], "1.00");
            System.out.printf("%-34s %,12.0f %12.2f%n", "dataset write (DatasetWriter)", r[1], r[1] / r[0]);
            System.out.printf("%-34s %,12.0f %12s%n", "baseline: raw line copy (read)", r[2], "1.00");
            System.out.printf("%-34s %,12.0f %12.2f%n", "dataset read (Dataset, hash-checked)", r[3], r[3] / r[2]);
            System.out.printf("%-34s %,12.0f %12.2f%n", "dataset write then read, per record", 1 / (1 / r[1] + 1 / r[3]),
                    (1 / (1 / r[1] + 1 / r[3])) / (1 / (1 / r[0] + 1 / r[2])));
            System.out.printf("peak heap used (sum of pool peaks, an upper bound): %d MiB%n", peak);
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Returns records/s for: baseline write, dataset write, baseline read, dataset read. */
    private static double[] run(Path tmp, int n) throws IOException {
        Path raw = tmp.resolve("raw.jsonl");
        Path dir = tmp.resolve("ds");
        DataRecord sample = record(0);
        String line = new String(dev.distillery.datasets.json.RecordCodec.encode(sample), StandardCharsets.UTF_8);

        long t0 = System.nanoTime();
        try (BufferedWriter w = Files.newBufferedWriter(raw)) {
            for (int i = 0; i < n; i++) {
                w.write(line);
                w.write('\n');
            }
        }
        long t1 = System.nanoTime();
        try (DatasetWriter w = DatasetWriter.builder(dir).mode(DatasetWriter.WriteMode.OVERWRITE).open()) {
            for (int i = 0; i < n; i++) w.write(record(i));
        }
        long t2 = System.nanoTime();
        long lines = 0;
        try (BufferedReader r = Files.newBufferedReader(raw)) {
            while (r.readLine() != null) lines++;
        }
        long t3 = System.nanoTime();
        long read = 0;
        try (RecordIterator it = Dataset.open(dir).open()) {
            while (it.hasNext()) {
                it.next();
                read++;
            }
        }
        long t4 = System.nanoTime();
        if (read != n || lines != n) throw new IllegalStateException("read " + read + " / " + lines + " of " + n);
        return new double[]{n / sec(t1 - t0), n / sec(t2 - t1), n / sec(t3 - t2), n / sec(t4 - t3)};
    }

    private static DataRecord record(int i) {
        // An explicit id: the bench measures storage, not the content hashing that DataRecord.of would add.
        return new DataRecord("r" + i, "sft", new Payload.Chat(Conversation.of(Message.user("What is " + i + " + 17?"),
                Message.assistant("The answer is " + (i + 17) + "."))), null, null, null);
    }

    private static double sec(long nanos) {
        return nanos / 1e9;
    }
}
