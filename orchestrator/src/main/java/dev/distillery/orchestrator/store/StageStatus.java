package dev.distillery.orchestrator.store;

/** Where a stage stands. {@code SKIPPED}: its output was reused from an earlier stage with the same fingerprint. */
public enum StageStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED, SKIPPED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == SKIPPED;
    }
}
