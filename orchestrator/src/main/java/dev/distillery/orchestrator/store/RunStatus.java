package dev.distillery.orchestrator.store;

/** Where a run stands. {@code SUCCEEDED}, {@code FAILED} and {@code CANCELLED} are final until a resume starts it again. */
public enum RunStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
