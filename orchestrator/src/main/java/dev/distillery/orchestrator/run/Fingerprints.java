package dev.distillery.orchestrator.run;

import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.RecordIds;
import dev.distillery.orchestrator.spec.ModelSpec;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.StageSpec;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stage's fingerprint: a hash of everything that decides its output (its spec, the models it calls, its seed, and
 * its inputs' fingerprints). A finished stage whose fingerprint is unchanged is not recomputed on resume; a changed
 * one is recomputed, and so, through their inputs, is everything downstream.
 */
final class Fingerprints {
    private Fingerprints() {
    }

    static String of(PipelineSpec spec, StageSpec stage, List<String> inputFingerprints) {
        Map<String, Object> canon = new TreeMap<>();
        canon.put("stage", Json.MAPPER.convertValue(stage, TreeMap.class));
        Map<String, Object> models = new TreeMap<>();
        stage.models().forEach((role, name) -> {
            ModelSpec m = spec.models().get(name);
            models.put(role, m == null ? null : Json.MAPPER.convertValue(m, TreeMap.class));
        });
        canon.put("models", models);
        canon.put("seed", spec.seedOf(stage));
        canon.put("inputs", inputFingerprints);
        // Canonical JSON: maps sorted by key at every level (ORDER_MAP_ENTRIES_BY_KEYS) so equal specs hash equally.
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writer().with(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsBytes(canon);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return RecordIds.sha256Hex(bytes).substring(0, 32);
    }
}
