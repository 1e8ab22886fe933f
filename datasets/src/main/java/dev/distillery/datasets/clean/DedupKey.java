package dev.distillery.datasets.clean;

import dev.distillery.datasets.model.DataRecord;

/**
 * Which part of a record dedup compares.
 *
 * <pre>{@code ExactDedup.builder().key(DedupKey.PROMPT).build()}</pre>
 */
public enum DedupKey {
    /** The prompt side ({@code payload.promptText()}): one answer per distinct question. */
    PROMPT,
    /** Everything readable ({@code payload.text()}): drops only repeated prompt-and-answer pairs. */
    FULL;

    public String of(DataRecord record) {
        return this == PROMPT ? record.payload().promptText() : record.payload().text();
    }
}
