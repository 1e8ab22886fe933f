package dev.distillery.orchestrator.run;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.DataRecord;

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
    public void run(StageContext ctx) {
        var path = ctx.resolve(ctx.stage().stringSetting("path", null));
        String format = ctx.stage().stringSetting("format", null);
        long limit = (long) ctx.stage().numberSetting("limit", Long.MAX_VALUE);
        long n = 0;
        try (RecordIterator it = Datasets.input(path, format).open()) {
            while (it.hasNext() && n < limit) {
                DataRecord r = it.next();
                String key = "src:" + n++;
                if (ctx.isDone(key)) continue;
                ctx.emit(key, List.of(r));
            }
        }
    }
}
