package dev.distillery.orchestrator.store;

import java.time.Instant;

/**
 * One row of {@code stages}: a stage of a run, its fingerprint (see {@link Fingerprints}) and its counters.
 *
 * <p>Usage: {@code StageRecord s = store.upsertStage(runId, "generate", "flow", fingerprint);}
 */
public record StageRecord(String runId, String name, String kind, String fingerprint, StageStatus status,
                          Counters counters, Instant startedAt, Instant finishedAt, String error) {
}
