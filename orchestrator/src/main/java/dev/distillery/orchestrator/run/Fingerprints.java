package dev.distillery.orchestrator.run;

import dev.distillery.orchestrator.spec.ModelSpec;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.StageSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a stage's fingerprint covers: its spec, the models it calls (by their specs, not their names), and its seed,
 * hashed with its inputs' fingerprints by the run store's {@link dev.distillery.orchestrator.store.Fingerprints}. A
 * finished stage with an unchanged fingerprint is not recomputed on resume; a changed one is, and so, through their
 * inputs, is everything downstream.
 */
final class Fingerprints {
    private Fingerprints() {
    }

    static String of(PipelineSpec spec, StageSpec stage, List<String> inputFingerprints) {
        return of(spec, stage, inputFingerprints, null);
    }

    /** {@code external}: what the stage reads from outside the pipeline, e.g. a source file's stamp. */
    static String of(PipelineSpec spec, StageSpec stage, List<String> inputFingerprints, Object external) {
        Map<String, Object> models = new TreeMap<>();
        stage.models().forEach((role, name) -> {
            ModelSpec m = spec.models().get(name);
            models.put(role, m);
        });
        Map<String, Object> canon = new LinkedHashMap<>();
        canon.put("stage", stage);
        canon.put("models", models);
        canon.put("seed", spec.seedOf(stage));
        if (external != null) canon.put("external", external);
        return dev.distillery.orchestrator.store.Fingerprints.stage(canon, inputFingerprints);
    }
}
