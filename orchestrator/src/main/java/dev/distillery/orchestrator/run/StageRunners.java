package dev.distillery.orchestrator.run;

import dev.distillery.datasets.spi.Plugins;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stage runners available to a run: built-in ones for the built-in stage kinds, plus {@link StageRunner} plugins.
 *
 * <pre>{@code StageRunner r = StageRunners.all().get("filter");}</pre>
 */
public final class StageRunners {
    private StageRunners() {
    }

    static final List<StageRunner> BUILT_IN = List.of(new SourceRunner(), new FlowStageRunner(), new JudgeStageRunner(),
            new FilterRunner(), new DedupRunner(), new DecontaminateRunner(), new SelectPairsRunner(), new ExportRunner(),
            new TrainRunner(), new EvalRunner(), new SampleRunner(), new AllocateRunner(), new ReportRunner());

    public static Map<String, StageRunner> all() {
        Map<String, StageRunner> byKind = new LinkedHashMap<>();
        for (StageRunner r : BUILT_IN) byKind.put(r.kind(), r);
        for (StageRunner r : Plugins.load(StageRunner.class)) byKind.putIfAbsent(r.kind(), r);
        return byKind;
    }
}
