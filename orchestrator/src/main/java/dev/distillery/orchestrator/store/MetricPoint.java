package dev.distillery.orchestrator.store;

import java.time.Instant;

/** One point of a metric series (a training curve): {@code stage} is {@code ""} for run-level series. */
public record MetricPoint(String runId, String stage, String series, long step, double value, Instant at) {
}
