package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.FieldException;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Payload;

import java.util.Set;

/**
 * Pretokenized rows in the Hugging Face convention, {@code {"input_ids": [...], "labels": [...]}}, as
 * {@link Payload.Tokens}; {@code attention_mask} and other columns are kept as source fields. Labels must have the
 * length of input_ids and hold -100 (not trained on) or a token id.
 *
 * <p>A row without {@code labels} gets a copy of {@code input_ids}, the causal-LM default of Hugging Face's
 * language-modelling collator (train on every token); encode always writes labels explicitly.
 *
 * <pre>{@code
 * Payload.Tokens t = (Payload.Tokens) new PretokenizedFormat().decode(row).payload();
 * }</pre>
 */
public final class PretokenizedFormat extends AbstractFormat {

    public PretokenizedFormat() {
        super("pretokenized", "Pretokenized causal LM: {\"input_ids\": [...], \"labels\"?: [...]} (-100 = not trained on)");
    }

    @Override
    public int match(ObjectNode row) {
        return row.path("input_ids").isArray() ? 40 : 0;
    }

    @Override
    Payload decodePayload(Row row) {
        int[] ids = Rows.ints(row.require("input_ids", "an array of token ids"), "input_ids", true);
        if (ids.length == 0) throw new FieldException("input_ids", "expected at least one token id, found an empty array");
        JsonNode labelsNode = row.take("labels");
        if (labelsNode == null || labelsNode.isNull()) return new Payload.Tokens(ids, ids.clone());
        int[] labels = Rows.ints(labelsNode, "labels", false);
        if (labels.length != ids.length) {
            throw new FieldException("labels", "expected " + ids.length + " entries like input_ids, found " + labels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 && labels[i] != Payload.Tokens.IGNORE_INDEX) {
                throw new FieldException("labels[" + i + "]", "expected -100 (not trained on) or a token id >= 0, found " + labels[i]);
            }
        }
        return new Payload.Tokens(ids, labels);
    }

    @Override
    ObjectNode encodePayload(Payload payload, ObjectNode ownSource, Set<String> notes) {
        if (!(payload instanceof Payload.Tokens t)) throw cannotCarry(payload, "it needs token ids (input_ids and labels)");
        ObjectNode out = Json.object();
        out.set("input_ids", Rows.writeInts(t.inputIds()));
        out.set("labels", Rows.writeInts(t.labels()));
        return out;
    }
}
