package dev.distillery.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.sandbox.report.Allocation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code allocate}: spends a generation budget across groups (skills, topics) by choosing records of a pool.
 * {@code student-aware} gives each group a share in proportion to the student's measured error on it (1 − accuracy
 * in the input {@code eval} stage's per-group report), with a floor so that no group is starved; {@code uniform}
 * splits the budget evenly, the baseline that student-aware allocation must beat. The records chosen (the first of
 * each group in pool order) are what the next round's teacher answers.
 */
final class AllocateRunner implements StageRunner {

    @Override
    public String kind() {
        return "allocate";
    }

    @Override
    public boolean barrier() {
        return true;
    }

    @Override
    public void run(StageContext ctx) throws IOException {
        var s = ctx.stage();
        int budget = (int) s.numberSetting("total", 0);
        String groupBy = s.stringSetting("group_by", null);
        String mode = s.stringSetting("mode", "student-aware");
        double floor = s.numberSetting("floor", 0.05);
        List<Path> pool = new ArrayList<>();
        Path evalReport = null;
        for (Path f : ctx.inputFiles()) {
            Path report = f.getParent().resolve(EvalRunner.REPORT);
            if (Files.exists(report)) evalReport = report;
            else pool.add(f);
        }
        Map<String, Double> errors = new LinkedHashMap<>();
        if (evalReport != null) {
            JsonNode groups = Json.MAPPER.readTree(evalReport.toFile()).path("groups");
            groups.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("all")) errors.put(e.getKey(), 1 - e.getValue().path("accuracy").asDouble());
            });
        }
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("stage '" + s.name() + "': needs an eval stage with `group_by` among its "
                    + "inputs (it says which groups exist and how the student does on each)");
        }
        Map<String, Integer> quota = mode.equals("uniform") ? Allocation.uniform(List.copyOf(errors.keySet()), budget)
                : Allocation.proportionalToError(errors, budget, floor);
        Map<String, Integer> taken = new LinkedHashMap<>();
        quota.keySet().forEach(g -> taken.put(g, 0));
        long read = 0;
        try (var sink = ctx.sink()) {
            for (Path f : pool) {
                try (RecordIterator it = Datasets.input(f, "distillery").open()) {
                    while (it.hasNext()) {
                        DataRecord r = it.next();
                        read++;
                        String g = EvalRunner.group(r, groupBy);
                        Integer q = quota.get(g);
                        if (q != null && taken.get(g) < q) {
                            taken.merge(g, 1, Integer::sum);
                            sink.write(r);
                        }
                    }
                }
            }
        }
        long chosen = taken.values().stream().mapToLong(Integer::longValue).sum();
        ctx.commitAll(read, read - chosen);
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("mode", mode);
        ev.put("budget", budget);
        ev.put("error_rates", errors);
        ev.put("quota", quota);
        ev.put("taken", taken);
        ctx.event("allocated", ev);
        StringBuilder line = new StringBuilder(mode + ":");
        quota.forEach((g, q) -> line.append(String.format(Locale.ROOT, " %s %d%s", g, taken.get(g),
                taken.get(g) < q ? " (of " + q + ", pool short)" : "")));
        ctx.summary(line.toString());
    }
}
