package dev.distillery.orchestrator.run;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.DataRecord;

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
        try (RecordIterator it = Datasets.input(path, format).open()) {
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
