package dev.distillery.judges.select;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;

import java.util.function.Function;

/**
 * Which records belong together as answers to one prompt: the unit of top-k selection and pair building, and the unit
 * the report card's bootstrap resamples.
 *
 * <pre>{@code
 * String key = GroupKey.PROMPT.of(record);
 * }</pre>
 */
public enum GroupKey {
    /**
     * The prompt text ({@link Payload#promptText()}: the user turns of a chat, the prompt of a prompt-completion or
     * preference record). Works on any dataset, but two different prompts with the same wording share a group.
     */
    PROMPT(r -> "prompt:" + r.payload().promptText()),
    /**
     * The first lineage parent id: the prompt record the candidates were generated from. Exact when generation
     * flows record it; records without a parent fall back to {@link #PROMPT}.
     */
    PARENT(r -> r.lineage().parentIds().isEmpty() ? PROMPT.of(r) : "parent:" + r.lineage().parentIds().getFirst()),
    /** Every record on its own (no grouping). */
    RECORD(r -> "record:" + r.id());

    private final Function<DataRecord, String> key;

    GroupKey(Function<DataRecord, String> key) {
        this.key = key;
    }

    /** The group this record belongs to. */
    public String of(DataRecord record) {
        return key.apply(record);
    }
}
