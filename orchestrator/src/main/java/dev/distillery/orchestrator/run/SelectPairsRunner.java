package dev.distillery.orchestrator.run;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.judges.select.PairBuilder;
import dev.distillery.judges.select.PairReport;
import dev.distillery.judges.select.PairStrategy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code select-pairs}: groups scored candidates by prompt and builds preference pairs (best vs worst, best vs a random
 * lower-rated one, verifier pass vs fail, teacher vs student); a barrier, since a group is complete only at the end.
 */
final class SelectPairsRunner implements StageRunner {

    @Override
    public String kind() {
        return "select-pairs";
    }

    @Override
    public boolean barrier() {
        return true;
    }

    @Override
    public void run(StageContext ctx) {
        var s = ctx.stage();
        String score = s.stringSetting("score", null);
        String strategyName = s.stringSetting("strategy", null);
        PairStrategy strategy = switch (strategyName) {
            case "best-vs-worst" -> PairStrategy.bestVsWorst(required(score, "score", strategyName));
            case "best-vs-random" -> PairStrategy.bestVsRandomLower(required(score, "score", strategyName));
            case "pass-vs-fail" -> PairStrategy.verifierPassVsFail(required(score, "score", strategyName));
            case "teacher-vs-student" -> PairStrategy.teacherVsStudent(
                    required(s.stringSetting("teacher", null), "teacher", strategyName),
                    required(s.stringSetting("student", null), "student", strategyName));
            default -> throw new IllegalArgumentException("stage '" + s.name() + "': unknown strategy " + strategyName);
        };
        PairBuilder.Builder b = PairBuilder.builder(strategy).seed(ctx.seed())
                .dropTies(!Boolean.FALSE.equals(s.setting("drop_ties")));
        if (s.setting("min_margin") instanceof Number m) b.minMargin(m.doubleValue());
        PairReport report;
        try (RecordSink out = ctx.sink()) {
            report = b.build().run(ctx.inputSource(), out);
        }
        ctx.commitAll(report.candidates(), report.candidates() - 2 * report.pairs());
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("candidates", report.candidates());
        ev.put("groups", report.groups());
        ev.put("pairs", report.pairs());
        ev.put("skipped_groups", String.valueOf(report.skippedGroups()));
        ctx.event("pairs-built", ev);
    }

    private static String required(String value, String field, String strategy) {
        if (value == null) throw new IllegalArgumentException("select-pairs: strategy " + strategy + " needs '" + field + "'");
        return value;
    }
}
