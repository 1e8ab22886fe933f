package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * LLaMA-Factory's Alpaca rows, {@code {"instruction", "input"?, "output", "system"?, "history"?: [[q, a], ...]}}, as
 * {@link Payload.Chat}, and {@code {"instruction", "input"?, "chosen", "rejected"}} as {@link Payload.Preference}.
 *
 * <p>The user turn is {@code instruction + "\n" + input} (just the instruction when input is empty), as LLaMA-Factory
 * builds it; history pairs come before it. {@code input} is also kept as a source field, and on encode the user text is
 * split back when it still ends with {@code "\n" + input}, so a round trip restores the split. Chats that are not
 * {@code [system] user assistant user assistant ... assistant} without tools cannot be written.
 *
 * <pre>{@code
 * ObjectNode row = new AlpacaFormat().encode(chatRecord, loss);
 * }</pre>
 */
public final class AlpacaFormat extends AbstractFormat {

    public AlpacaFormat() {
        super("alpaca", "Alpaca (LLaMA-Factory): {\"instruction\", \"input\"?, \"output\", \"system\"?, \"history\"?}, "
                + "or chosen/rejected instead of output");
    }

    @Override
    public int match(ObjectNode row) {
        return row.path("instruction").isTextual() ? 40 : 0;
    }

    @Override
    Payload decodePayload(Row row) {
        String instruction = row.requireText("instruction");
        // Read but not taken: it stays a source field so that encode can split the user turn again.
        JsonNode inputNode = row.peek("input");
        String input = inputNode == null || inputNode.isNull() ? "" : Rows.text(inputNode, "input");
        List<Message> prompt = new ArrayList<>();
        String system = row.optionalText("system");
        if (system != null) prompt.add(Message.system(system));
        if (row.has("history")) {
            ArrayNode history = Rows.array(row.take("history"), "history");
            for (int i = 0; i < history.size(); i++) {
                String path = "history[" + i + "]";
                JsonNode pair = history.get(i);
                if (!pair.isArray() || pair.size() != 2) {
                    throw Rows.wrongType(path, "a [question, answer] pair", pair);
                }
                prompt.add(Message.user(Rows.text(pair.get(0), path + "[0]")));
                prompt.add(Message.assistant(Rows.text(pair.get(1), path + "[1]")));
            }
        }
        prompt.add(Message.user(input.isEmpty() ? instruction : instruction + "\n" + input));
        if (row.has("chosen") || row.has("rejected")) {
            return new Payload.Preference(new Conversation(prompt),
                    Conversation.of(Message.assistant(row.requireText("chosen"))),
                    Conversation.of(Message.assistant(row.requireText("rejected"))));
        }
        prompt.add(Message.assistant(row.requireText("output")));
        return new Payload.Chat(new Conversation(prompt));
    }

    @Override
    ObjectNode encodePayload(Payload payload, ObjectNode ownSource, Set<String> notes) {
        return switch (payload) {
            case Payload.Chat chat -> {
                if (chat.tools() != null) notes.add("tools");
                List<Message> m = chat.messages().messages();
                if (m.get(m.size() - 1).role() != Role.ASSISTANT) {
                    throw cannotCarry(payload, "the chat must end with an assistant turn (the output)");
                }
                ObjectNode out = prompt(payload, m.subList(0, m.size() - 1), ownSource, notes);
                out.put("output", m.get(m.size() - 1).content());
                yield out;
            }
            case Payload.Preference p -> {
                if (p.prompt() instanceof PlainText) notes.add("plain-text prompts (written as the instruction)");
                ObjectNode out = prompt(payload, Rows.asMessages(p.prompt(), Role.USER).messages(), ownSource, notes);
                out.put("chosen", answer(p, Rows.asAnswerText(p.chosen())));
                out.put("rejected", answer(p, Rows.asAnswerText(p.rejected())));
                yield out;
            }
            default -> throw cannotCarry(payload, "it needs an instruction with an output, or with chosen and rejected");
        };
    }

    private String answer(Payload.Preference p, String text) {
        if (text == null) throw cannotCarry(p, "chosen and rejected must each be a single assistant answer");
        return text;
    }

    /** Writes system, history, instruction and input from the turns before the answer. */
    private ObjectNode prompt(Payload payload, List<Message> turns, ObjectNode ownSource, Set<String> notes) {
        ObjectNode out = Json.object();
        int start = 0;
        if (!turns.isEmpty() && turns.get(0).role() == Role.SYSTEM) {
            out.put("system", turns.get(0).content());
            start = 1;
        }
        // Expect user, assistant, user, assistant, ..., user.
        for (int i = start; i < turns.size(); i++) {
            Message m = turns.get(i);
            if (m.role() == Role.TOOL || m.toolCalls() != null) throw cannotCarry(payload, "it has tool calls or tool turns");
            if (m.role() == Role.SYSTEM) throw cannotCarry(payload, "it has a system message after the first turn");
            Role expected = (i - start) % 2 == 0 ? Role.USER : Role.ASSISTANT;
            if (m.role() != expected) {
                throw cannotCarry(payload, "turns must alternate user and assistant, but message " + i + " is "
                        + m.role().wireName());
            }
            if (m.name() != null) notes.add("message names");
        }
        if (turns.size() == start || (turns.size() - start) % 2 == 0) {
            throw cannotCarry(payload, "it needs a user turn (the instruction) before the answer");
        }
        if (turns.size() - start > 1) {
            ArrayNode history = out.putArray("history");
            for (int i = start; i < turns.size() - 1; i += 2) {
                history.addArray().add(turns.get(i).content()).add(turns.get(i + 1).content());
            }
        }
        String user = turns.get(turns.size() - 1).content();
        JsonNode input = ownSource.get("input");
        if (input != null && input.isTextual()) {
            String in = input.textValue();
            if (in.isEmpty()) {
                out.put("input", in);
            } else if (user.endsWith("\n" + in)) {
                user = user.substring(0, user.length() - in.length() - 1);
                out.put("input", in);
            }
            // Otherwise the user turn was edited and the input is part of it now: nothing is lost by leaving it out.
        } else if (input != null) {
            out.set("input", input.deepCopy()); // JSON null: an "input": null row comes back as it was
        }
        out.put("instruction", user);
        return out;
    }

    @Override
    Set<String> handledSourceKeys() {
        return Set.of("input");
    }

}
