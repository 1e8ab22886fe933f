package dev.distillery.datasets.store;

import dev.distillery.datasets.json.RecordCodec;
import dev.distillery.datasets.model.DataRecord;

/** Turns a record into one compact JSON object (no newline) in some format. */
@FunctionalInterface
public interface RecordEncoder {

    byte[] encode(DataRecord record);

    /** Distillery's own record JSON. */
    RecordEncoder NATIVE = RecordCodec::encode;
}
