package dev.distillery.datasets.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The unit every stage reads and writes: a payload plus where it came from and what judges said about it.
 *
 * <pre>{@code
 * var r = DataRecord.of(new Payload.Chat(Conversation.of(Message.user("2+2?"), Message.assistant("4"))))
 *         .withScore("exact-answer", new Score(1, "matches reference"));
 * }</pre>
 *
 * @param id      stable identifier; imported rows get a content hash, so identical rows share an id
 * @param kind    what the record is for ({@code sft}, {@code instruction}, {@code critique}, {@code preference},
 *                ...); defaults to the payload type
 * @param payload the data
 * @param lineage provenance
 * @param scores  judge name to verdict
 * @param source  unmodelled fields of the imported row, or null
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DataRecord(String id, String kind, Payload payload, Lineage lineage, Map<String, Score> scores,
                         SourceFields source) {

    public DataRecord {
        Objects.requireNonNull(payload, "payload");
        id = id == null || id.isBlank() ? RecordIds.contentId(payload) : id;
        kind = kind == null || kind.isBlank() ? payload.type() : kind;
        lineage = lineage == null ? Lineage.NONE : lineage;
        scores = scores == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /** A record with a content-hash id, the payload type as kind, no lineage and no scores. */
    public static DataRecord of(Payload payload) {
        return new DataRecord(null, null, payload, null, null, null);
    }

    public DataRecord withId(String newId) {
        return new DataRecord(newId, kind, payload, lineage, scores, source);
    }

    public DataRecord withKind(String newKind) {
        return new DataRecord(id, newKind, payload, lineage, scores, source);
    }

    public DataRecord withPayload(Payload newPayload) {
        return new DataRecord(id, kind, newPayload, lineage, scores, source);
    }

    public DataRecord withLineage(Lineage newLineage) {
        return new DataRecord(id, kind, payload, newLineage, scores, source);
    }

    public DataRecord withSource(SourceFields newSource) {
        return new DataRecord(id, kind, payload, lineage, scores, newSource);
    }

    public DataRecord withScore(String judge, Score score) {
        Map<String, Score> all = new LinkedHashMap<>(scores);
        all.put(judge, score);
        return new DataRecord(id, kind, payload, lineage, all, source);
    }
}
