package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.RecordIds;
import dev.distillery.datasets.model.SourceFields;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The envelope every row format shares: content ids, source fields in and out, and reporting of the record-level
 * parts (id, kind, lineage, scores) that no row format carries. Subclasses only map payloads.
 */
abstract class AbstractFormat implements RecordFormat {

    private final String name;
    private final String description;

    AbstractFormat(String name, String description) {
        this.name = name;
        this.description = description;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final DataRecord decode(ObjectNode row) {
        Objects.requireNonNull(row, "row");
        Row r = new Row(row);
        Payload payload = decodePayload(r);
        ObjectNode rest = r.rest();
        return new DataRecord(null, null, payload, null, null, rest.isEmpty() ? null : new SourceFields(name, rest));
    }

    @Override
    public final ObjectNode encode(DataRecord record, LossReport loss) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(loss, "loss");
        SourceFields source = record.source();
        boolean own = source != null && source.format().equals(name);
        ObjectNode ownFields = own ? source.fields() : Json.object();
        // Collected first and reported only once the record is written: a record that cannot be carried at all
        // must not also show up as partial losses, and one record counts once per kind of loss.
        Set<String> notes = new LinkedHashSet<>();
        ObjectNode out = encodePayload(record.payload(), ownFields, notes);
        if (own) {
            writeSourceFields(out, ownFields, notes);
        } else if (source != null && !source.fields().isEmpty()) {
            notes.add("source fields of " + source.format() + " rows");
        }
        if (!record.id().equals(RecordIds.contentId(record.payload()))) notes.add("record ids");
        if (!record.kind().equals(record.payload().type())) notes.add("record kinds");
        if (!record.lineage().isEmpty()) notes.add("lineage");
        if (!record.scores().isEmpty()) notes.add("scores");
        for (String n : notes) loss.note(name, n);
        return out;
    }

    /** Reads the payload, {@link Row#take taking} every key it models. */
    abstract Payload decodePayload(Row row);

    /**
     * Writes the payload.
     *
     * @param ownSource source fields of a row read in this format (empty otherwise), for formats whose layout
     *                  depends on them
     * @param notes     losses to report, as fixed phrases
     */
    abstract ObjectNode encodePayload(Payload payload, ObjectNode ownSource, Set<String> notes);

    /** Source keys {@link #encodePayload} already dealt with, so the generic write-back must leave them alone. */
    Set<String> handledSourceKeys() {
        return Set.of();
    }

    /** Puts this format's own unmodelled fields back; a key the payload already wrote wins and the clash is noted. */
    void writeSourceFields(ObjectNode out, ObjectNode fields, Set<String> notes) {
        Set<String> handled = handledSourceKeys();
        for (Map.Entry<String, JsonNode> e : fields.properties()) {
            if (handled.contains(e.getKey())) continue;
            if (out.has(e.getKey())) {
                notes.add("source fields that clash with written fields");
            } else {
                out.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    CannotCarryException cannotCarry(Payload payload, String reason) {
        return new CannotCarryException(name, payload.type(), reason);
    }
}
