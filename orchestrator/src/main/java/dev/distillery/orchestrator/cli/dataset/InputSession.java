package dev.distillery.orchestrator.cli.dataset;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.store.InvalidRecordHandler;
import dev.distillery.datasets.store.ReadStats;
import dev.distillery.datasets.store.RejectsFile;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * An input opened the way {@link InputOptions} say, as a {@link RecordSource} the cleaning algorithms consume:
 * bad lines stop the command, or go to the rejects file once (a second pass, as in a split, does not repeat them),
 * and long reads show progress.
 */
final class InputSession implements RecordSource, AutoCloseable {

    private final Datasets.Input input;
    private final RejectsFile rejects;
    private final ReadStats stats = new ReadStats();
    private final PrintWriter err;
    private int passes;

    InputSession(Path path, InputOptions options, Path defaultRejects, PrintWriter err) {
        this.input = Datasets.input(path, options.from);
        this.rejects = options.skipInvalid
                ? new RejectsFile(options.rejects != null ? options.rejects : defaultRejects) : null;
        this.err = err;
    }

    Datasets.Input input() {
        return input;
    }

    @Override
    public RecordIterator open() {
        passes++;
        InvalidRecordHandler onInvalid = rejects == null ? InvalidRecordHandler.FAIL
                : passes == 1 ? rejects : (error, line) -> { }; // already in the rejects file from pass 1
        RecordIterator it = input.open(onInvalid, passes == 1 ? stats : new ReadStats());
        Progress progress = new Progress(err, "read " + input.path().getFileName() + (passes > 1 ? " (pass " + passes + ")" : ""));
        return new RecordIterator() {
            @Override
            public boolean hasNext() {
                boolean more = it.hasNext();
                if (!more) progress.done();
                return more;
            }

            @Override
            public DataRecord next() {
                progress.tick();
                return it.next();
            }

            @Override
            public void close() {
                it.close();
            }
        };
    }

    @Override
    public String describe() {
        return input.describe();
    }

    /** Lines about what did not become a record: rejects and partial tails. Empty when everything was read. */
    void reportSkipped(PrintWriter out) {
        if (rejects != null && rejects.count() > 0) {
            out.printf("rejected %,d invalid line(s) -> %s%n", rejects.count(), rejects.path());
        }
        if (stats.truncatedTails() > 0) {
            out.printf("skipped %d incomplete last line(s) left by an interrupted writer%n", stats.truncatedTails());
        }
    }

    @Override
    public void close() {
        if (rejects != null) rejects.close();
    }
}
