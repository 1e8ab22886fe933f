package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.FieldException;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Content;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Role;

import java.util.Set;

/**
 * TRL preference rows, {@code {"prompt", "chosen", "rejected"}} (strings or message lists), as
 * {@link Payload.Preference}.
 *
 * <p>Like TRL, a row without a prompt (implicit prompt), or whose prompt is a string while chosen and rejected are
 * full conversations (the HF H4 layout), gets the longest shared message prefix of chosen and rejected as its prompt.
 * An H4 string prompt is kept as a source field, and a record holding one is written back in the H4 layout, so H4
 * rows round-trip exactly; rows with no prompt at all are written back with the explicit prompt TRL recommends.
 *
 * <pre>{@code
 * Payload.Preference p = (Payload.Preference) new TrlDpoFormat().decode(row).payload();
 * }</pre>
 */
public final class TrlDpoFormat extends AbstractFormat {

    private static final String EITHER = "a string or a list of messages";

    public TrlDpoFormat() {
        super("trl-dpo", "TRL preference (DPO, ORPO, reward): {\"prompt\"?, \"chosen\", \"rejected\"}");
    }

    @Override
    public int match(ObjectNode row) {
        if (!row.has("chosen") || !row.has("rejected")) return 0;
        return row.has("prompt") ? 30 : 25;
    }

    @Override
    Payload decodePayload(Row row) {
        Content chosen = Rows.content(row.require("chosen", EITHER), "chosen");
        Content rejected = Rows.content(row.require("rejected", EITHER), "rejected");
        if (chosen.isConversational() != rejected.isConversational()) {
            throw new FieldException("rejected", "expected the same form as chosen ("
                    + (chosen.isConversational() ? "a list of messages" : "a string") + ")");
        }
        if (row.has("prompt")) {
            JsonNode p = row.peek("prompt");
            Content prompt = Rows.content(p, "prompt");
            if (prompt.isConversational() == chosen.isConversational()) {
                row.take("prompt");
                return new Payload.Preference(prompt, chosen, rejected);
            }
            if (!chosen.isConversational()) {
                throw new FieldException("prompt", "expected a string like chosen and rejected, found a list of messages");
            }
            // H4: a string prompt beside full conversations. Left unclaimed, it stays a source field.
        }
        if (!(chosen instanceof Conversation c) || !(rejected instanceof Conversation r)) {
            throw new FieldException("prompt", "required field missing: plain-text chosen and rejected need a prompt");
        }
        return extractPrompt(c, r);
    }

    /** TRL's rule: the longest shared leading messages, ending before an assistant turn where they differ. */
    static Payload.Preference extractPrompt(Conversation chosen, Conversation rejected) {
        int n = Math.min(chosen.messages().size(), rejected.messages().size());
        int shared = 0;
        while (shared < n && chosen.messages().get(shared).equals(rejected.messages().get(shared))) shared++;
        // Shared assistant text before the point of difference belongs to the answers, not the prompt.
        if (shared > 0 && shared < n && chosen.messages().get(shared - 1).role() == Role.ASSISTANT) shared--;
        if (shared == 0) {
            throw new FieldException("chosen", "expected chosen and rejected to start with the same prompt messages; "
                    + "they share none, so no prompt can be extracted (add a \"prompt\" field)");
        }
        if (shared == chosen.messages().size() || shared == rejected.messages().size()) {
            throw new FieldException(shared == chosen.messages().size() ? "chosen" : "rejected",
                    "expected an answer after the shared prompt, found none (chosen and rejected only differ by extra turns or not at all)");
        }
        return new Payload.Preference(chosen.subList(0, shared),
                chosen.subList(shared, chosen.messages().size()), rejected.subList(shared, rejected.messages().size()));
    }

    @Override
    ObjectNode encodePayload(Payload payload, ObjectNode ownSource, Set<String> notes) {
        if (!(payload instanceof Payload.Preference p)) throw cannotCarry(payload, "it needs prompt, chosen and rejected");
        ObjectNode out = Json.object();
        JsonNode h4Prompt = ownSource.get("prompt");
        if (h4Prompt != null && p.prompt() instanceof Conversation prompt
                && p.chosen() instanceof Conversation c && p.rejected() instanceof Conversation r) {
            out.set("prompt", h4Prompt.deepCopy());
            out.set("chosen", Rows.writeMessages(prompt.concat(c)));
            out.set("rejected", Rows.writeMessages(prompt.concat(r)));
            return out;
        }
        if (h4Prompt != null) notes.add("H4 string prompts");
        if (p.prompt().isConversational() != p.chosen().isConversational()
                || p.chosen().isConversational() != p.rejected().isConversational()) {
            // TRL would ignore a prompt of the other form and re-extract it; bring all three to messages instead.
            notes.add("mixed plain and conversational sides (written as messages)");
            out.set("prompt", Rows.writeMessages(Rows.asMessages(p.prompt(), Role.USER)));
            out.set("chosen", Rows.writeMessages(Rows.asMessages(p.chosen(), Role.ASSISTANT)));
            out.set("rejected", Rows.writeMessages(Rows.asMessages(p.rejected(), Role.ASSISTANT)));
            return out;
        }
        out.set("prompt", Rows.writeContent(p.prompt()));
        out.set("chosen", Rows.writeContent(p.chosen()));
        out.set("rejected", Rows.writeContent(p.rejected()));
        return out;
    }

    @Override
    Set<String> handledSourceKeys() {
        return Set.of("prompt");
    }

}
