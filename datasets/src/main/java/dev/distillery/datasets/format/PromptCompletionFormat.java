package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Role;

import java.util.Set;

/**
 * TRL prompt-completion rows, {@code {"prompt", "completion"}}, each a string or a list of messages, as
 * {@link Payload.PromptCompletion}; the plain/conversational form of each side is kept. A chat is written with
 * everything before its last assistant turn as the prompt and that turn as the completion.
 *
 * <pre>{@code
 * ObjectNode row = new PromptCompletionFormat().encode(chatRecord, loss);
 * }</pre>
 */
public final class PromptCompletionFormat extends AbstractFormat {

    public PromptCompletionFormat() {
        super("prompt-completion", "TRL prompt-completion: {\"prompt\", \"completion\"}, strings or message lists");
    }

    @Override
    public int match(ObjectNode row) {
        return row.has("prompt") && row.has("completion") ? 30 : 0;
    }

    @Override
    Payload decodePayload(Row row) {
        var prompt = Rows.content(row.require("prompt", "a string or a list of messages"), "prompt");
        var completion = Rows.content(row.require("completion", "a string or a list of messages"), "completion");
        return new Payload.PromptCompletion(prompt, completion);
    }

    @Override
    ObjectNode encodePayload(Payload payload, ObjectNode ownSource, Set<String> notes) {
        Payload.PromptCompletion pc = switch (payload) {
            case Payload.PromptCompletion p -> p;
            case Payload.Chat chat -> {
                if (chat.tools() != null) notes.add("tools");
                yield split(chat);
            }
            default -> throw cannotCarry(payload, "it needs a prompt and a completion, or a chat ending with an assistant turn");
        };
        ObjectNode out = Json.object();
        out.set("prompt", Rows.writeContent(pc.prompt()));
        out.set("completion", Rows.writeContent(pc.completion()));
        return out;
    }

    private Payload.PromptCompletion split(Payload.Chat chat) {
        Conversation c = chat.messages();
        int size = c.messages().size();
        if (c.last().role() != Role.ASSISTANT) {
            throw cannotCarry(chat, "the chat must end with an assistant turn to become the completion, found " + c.last().role().wireName());
        }
        if (size < 2) throw cannotCarry(chat, "the chat has no prompt before its assistant turn");
        return new Payload.PromptCompletion(c.subList(0, size - 1), c.subList(size - 1, size));
    }
}
