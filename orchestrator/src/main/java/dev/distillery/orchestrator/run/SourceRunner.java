package dev.distillery.orchestrator.run;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.generators.source.SeedDocuments;

import java.util.ArrayList;
import java.util.List;

/** {@code source}: reads a file or dataset directory; item keys are record positions in the file. */
final class SourceRunner implements StageRunner {

    @Override
    public String kind() {
        return "source";
    }

    @Override
    public boolean barrier() {
        return false;
    }

    @Override
    public Object externalInputs(dev.distillery.orchestrator.spec.StageSpec stage, java.nio.file.Path baseDir) {
        return FileStamp.of(baseDir.resolve(stage.stringSetting("path", "")).normalize());
    }

    @Override
    public void run(StageContext ctx) {
        var path = ctx.resolve(ctx.stage().stringSetting("path", null));
        String format = ctx.stage().stringSetting("format", null);
        long limit = (long) ctx.stage().numberSetting("limit", Long.MAX_VALUE);
        int batch = ctx.stage().batch() == null ? 256 : ctx.stage().batch();
        // Records commit in batches, in file order: one transaction per batch (atomic, so a resume redoes exactly
        // the records whose commit did not land), and the IN count says how many leading records are done.
        long n = 0;
        long doneBefore = ctx.counters().getOrDefault(RunLedger.Counter.IN, 0L);
        List<DataRecord> out = new ArrayList<>(batch);
        // `include` makes `path` a folder of seed documents (Markdown, text, code): one text record per file, or per
        // chunk with `chunk_chars`; otherwise it is a dataset in any format Distillery reads.
        List<String> include = ctx.stage().setting("include") instanceof List<?> globs
                ? globs.stream().map(String::valueOf).toList() : null;
        RecordSource source;
        if (include != null) {
            SeedDocuments.Builder docs = SeedDocuments.builder(path).include(include.toArray(String[]::new));
            int chunk = (int) ctx.stage().numberSetting("chunk_chars", 0);
            if (chunk > 0) docs.chunk(chunk, (int) ctx.stage().numberSetting("chunk_overlap", 200));
            source = docs.build();
        } else {
            source = Datasets.input(path, format);
        }
        try (RecordIterator it = source.open()) {
            while (it.hasNext() && n < limit) {
                DataRecord r = it.next();
                if (++n <= doneBefore) continue;
                out.add(r);
                if (out.size() == batch) {
                    ctx.commitNext(out.size(), out);
                    out = new ArrayList<>(batch);
                }
            }
        }
        ctx.commitNext(out.size(), out);
    }
}
