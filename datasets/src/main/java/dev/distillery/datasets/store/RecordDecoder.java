package dev.distillery.datasets.store;

import dev.distillery.datasets.io.FieldException;
import dev.distillery.datasets.json.RecordCodec;
import dev.distillery.datasets.model.DataRecord;

/** Turns one JSONL line (a byte slice) into a record, or throws a {@link FieldException} saying what is wrong. */
@FunctionalInterface
public interface RecordDecoder {

    DataRecord decode(byte[] buf, int offset, int length) throws FieldException;

    /** Distillery's own record JSON. */
    RecordDecoder NATIVE = RecordCodec::decode;
}
