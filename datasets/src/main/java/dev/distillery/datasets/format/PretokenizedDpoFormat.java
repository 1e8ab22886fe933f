package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.FieldException;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Payload;

import java.util.Set;

/**
 * Pretokenized preference rows as TRL's DPO trainer produces them,
 * {@code {"prompt_input_ids", "chosen_input_ids", "rejected_input_ids"}}, as {@link Payload.TokenPreference}.
 *
 * <pre>{@code
 * ObjectNode row = new PretokenizedDpoFormat().encode(tokenPreferenceRecord, loss);
 * }</pre>
 */
public final class PretokenizedDpoFormat extends AbstractFormat {

    public PretokenizedDpoFormat() {
        super("pretokenized-dpo", "Pretokenized preference: {\"prompt_input_ids\", \"chosen_input_ids\", \"rejected_input_ids\"}");
    }

    @Override
    public int match(ObjectNode row) {
        return row.path("prompt_input_ids").isArray() && row.path("chosen_input_ids").isArray()
                && row.path("rejected_input_ids").isArray() ? 50 : 0;
    }

    @Override
    Payload decodePayload(Row row) {
        return new Payload.TokenPreference(ids(row, "prompt_input_ids"), ids(row, "chosen_input_ids"),
                ids(row, "rejected_input_ids"));
    }

    private static int[] ids(Row row, String key) {
        int[] ids = Rows.ints(row.require(key, "an array of token ids"), key, true);
        if (ids.length == 0) throw new FieldException(key, "expected at least one token id, found an empty array");
        return ids;
    }

    @Override
    ObjectNode encodePayload(Payload payload, ObjectNode ownSource, Set<String> notes) {
        if (!(payload instanceof Payload.TokenPreference t)) {
            throw cannotCarry(payload, "it needs prompt, chosen and rejected token ids");
        }
        ObjectNode out = Json.object();
        out.set("prompt_input_ids", Rows.writeInts(t.promptIds()));
        out.set("chosen_input_ids", Rows.writeInts(t.chosenIds()));
        out.set("rejected_input_ids", Rows.writeInts(t.rejectedIds()));
        return out;
    }
}
