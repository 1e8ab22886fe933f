package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.json.RecordCodec;
import dev.distillery.datasets.model.DataRecord;

/**
 * Distillery's own record JSON: id, kind, payload, lineage, scores and source fields, all kept. The format to use
 * between pipeline stages; export to a trainer format at the end.
 *
 * <pre>{@code
 * ObjectNode row = new DistilleryFormat().encode(record, loss);   // never notes a loss
 * }</pre>
 */
public final class DistilleryFormat implements RecordFormat {

    public static final String NAME = "distillery";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Distillery record JSON (payload, lineage, scores, source fields); lossless";
    }

    @Override
    public int match(ObjectNode row) {
        JsonNode payload = row.get("payload");
        return payload != null && payload.isObject() && payload.path("type").isTextual() ? 100 : 0;
    }

    @Override
    public DataRecord decode(ObjectNode row) {
        return RecordCodec.decode(row);
    }

    @Override
    public ObjectNode encode(DataRecord record, LossReport loss) {
        return (ObjectNode) Json.tree(record);
    }
}
