package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Payload;

import java.util.Set;

/**
 * TRL's standard language-modelling rows, {@code {"text": "The sky is blue."}}, as {@link Payload.Text}.
 *
 * <pre>{@code
 * DataRecord r = new TrlTextFormat().decode(row);
 * }</pre>
 */
public final class TrlTextFormat extends AbstractFormat {

    public TrlTextFormat() {
        super("trl-text", "TRL language modelling, standard: {\"text\": ...}");
    }

    @Override
    public int match(ObjectNode row) {
        return row.path("text").isTextual() ? 10 : 0;
    }

    @Override
    Payload decodePayload(Row row) {
        return new Payload.Text(row.requireText("text"));
    }

    @Override
    ObjectNode encodePayload(Payload payload, ObjectNode ownSource, Set<String> notes) {
        if (!(payload instanceof Payload.Text t)) throw cannotCarry(payload, "it needs plain text");
        return Json.object().put("text", t.text());
    }
}
