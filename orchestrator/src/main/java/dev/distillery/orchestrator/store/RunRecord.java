package dev.distillery.orchestrator.store;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One row of {@code runs}. {@code startedAt}, {@code finishedAt} and {@code error} are {@code null} until they happen;
 * {@code error} is stored with secrets masked.
 *
 * <p>Usage: {@code RunRecord run = store.createRun("sft-docs", yaml, Fingerprints.spec(spec));}
 */
public record RunRecord(String id, String name, String specFingerprint, RunStatus status, Instant createdAt,
                        Instant startedAt, Instant finishedAt, Path runDir, String error) {
}
