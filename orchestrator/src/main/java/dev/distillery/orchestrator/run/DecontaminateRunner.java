package dev.distillery.orchestrator.run;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.clean.DecontaminationReport;
import dev.distillery.datasets.clean.Decontaminator;
import dev.distillery.datasets.io.RecordSink;

import java.util.List;
import java.util.Map;

/** {@code decontaminate}: drops records sharing long n-grams with the evaluation sets named in {@code against}. */
final class DecontaminateRunner implements StageRunner {

    @Override
    public String kind() {
        return "decontaminate";
    }

    @Override
    public boolean barrier() {
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run(StageContext ctx) {
        Object against = ctx.stage().setting("against");
        List<String> sets = against instanceof String s ? List.of(s) : (List<String>) against;
        Decontaminator.Builder b = Decontaminator.builder()
                .ngramSize((int) ctx.stage().numberSetting("ngram", 13));
        for (String set : sets) b.evalSet(set, Datasets.input(ctx.resolve(set), null));
        DecontaminationReport report;
        try (RecordSink kept = ctx.sink()) {
            report = b.build().run(ctx.inputSource(), kept, RecordSink.discard());
        }
        ctx.commitAll(report.read(), report.removed());
        ctx.event("decontamination-report", Map.of("read", report.read(), "kept", report.kept(),
                "removed", report.removed()));
    }
}
