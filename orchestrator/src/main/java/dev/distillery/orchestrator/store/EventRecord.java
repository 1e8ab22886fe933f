package dev.distillery.orchestrator.store;

import java.time.Instant;

/**
 * One row of {@code events}: {@code seq} grows with every event in the store, so it serves as the SSE event id and a
 * reconnecting client asks for {@code eventsSince(runId, lastSeq)}. {@code stage} is {@code null} for run-level
 * events; {@code payloadJson} is JSON with secrets masked.
 */
public record EventRecord(long seq, String runId, String stage, Instant at, String type, String payloadJson) {
}
