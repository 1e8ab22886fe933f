package dev.distillery.datasets.clean;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;

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

    /**
     * The text compared. Pretokenized payloads have no text, so their token ids stand in for it (prompt ids for
     * PROMPT): otherwise every pretokenized record would look like a duplicate of the first.
     */
    public String of(DataRecord record) {
        return switch (record.payload()) {
            case Payload.Tokens t -> ids(t.inputIds()) + " labels " + ids(t.labels());
            case Payload.TokenPreference p -> this == PROMPT ? ids(p.promptIds())
                    : ids(p.promptIds()) + " chosen " + ids(p.chosenIds()) + " rejected " + ids(p.rejectedIds());
            default -> this == PROMPT ? record.payload().promptText() : record.payload().text();
        };
    }

    private static String ids(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length * 6);
        for (int id : ids) sb.append(id).append(' ');
        return sb.toString();
    }
}
