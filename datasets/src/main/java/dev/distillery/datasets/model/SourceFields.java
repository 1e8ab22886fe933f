package dev.distillery.datasets.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * Fields of an imported row that Distillery does not model (an H4 {@code prompt_id}, a {@code score_chosen}, an
 * Alpaca {@code input}), kept with the format they came from. Writing the record back in that same format restores
 * them, which makes a round trip lossless; writing it in another format reports them as not carried.
 *
 * @param format the format the row was read in
 * @param fields the unmodelled fields, as they were
 */
public record SourceFields(String format, ObjectNode fields) {

    public SourceFields {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(fields, "fields");
    }
}
