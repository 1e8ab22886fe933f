package dev.distillery.orchestrator.run;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.DataRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code export}: writes every input record to {@code path} in {@code format} (published only when complete), and
 * passes the records on unchanged so later stages can read them.
 */
final class ExportRunner implements StageRunner {

    @Override
    public String kind() {
        return "export";
    }

    @Override
    public boolean barrier() {
        return true;
    }

    @Override
    public void run(StageContext ctx) {
        var path = ctx.resolve(ctx.stage().stringSetting("path", null));
        String format = ctx.stage().stringSetting("format", null);
        long n = 0;
        String used;
        // Closing without commit() publishes nothing: a failed export never leaves a half-written file behind.
        try (Datasets.Output out = Datasets.output(path, format, Datasets.WriteOptions.defaults()
                .withMode(dev.distillery.datasets.store.DatasetWriter.WriteMode.OVERWRITE)
                .withCreatedBy("distillery pipeline " + ctx.pipeline().name() + ", stage " + ctx.stage().name()));
             RecordIterator it = ctx.allInputs()) {
            List<DataRecord> batch = new ArrayList<>();
            while (it.hasNext()) {
                DataRecord r = it.next();
                out.write(r);
                batch.add(r);
                if (batch.size() == 256) {
                    ctx.write(batch);
                    batch.clear();
                }
                n++;
            }
            ctx.write(batch);
            out.commit();
            used = out.format().name();
            out.losses().lines().forEach(line -> ctx.event("export-loss", Map.of("message", line)));
        }
        ctx.commitAll(n, 0);
        ctx.event("exported", Map.of("path", path.toString(), "format", used, "records", n));
    }
}
