package dev.distillery.generators.flow;

import dev.distillery.datasets.model.Content;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Role;
import dev.distillery.generators.model.ModelCallException;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the parts flows need out of input records, and converts Distillery conversations to LangChain4j messages.
 *
 * <pre>{@code Conversation prompt = Inputs.prompt(record);          // up to the last user turn
 * ModelReply r = ctx.chat("teacher", "respond", Inputs.toChatMessages(prompt));}</pre>
 */
public final class Inputs {
    private Inputs() {
    }

    /**
     * The prompt side as a conversation: a text payload becomes one user turn; a chat is cut after its last user
     * turn (dropping the answer); a prompt-completion or preference gives its prompt.
     *
     * @throws ModelCallException of kind OTHER when there is no prompt (a chat without a user turn)
     */
    public static Conversation prompt(DataRecord record) {
        return switch (record.payload()) {
            case Payload.Text t -> Conversation.of(Message.user(t.text()));
            case Payload.Chat c -> {
                List<Message> m = c.messages().messages();
                int lastUser = -1;
                for (int i = 0; i < m.size(); i++) if (m.get(i).role() == Role.USER) lastUser = i;
                if (lastUser < 0) throw bad(record, "the conversation has no user turn");
                yield new Conversation(m.subList(0, lastUser + 1));
            }
            case Payload.PromptCompletion pc -> asConversation(pc.prompt());
            case Payload.Preference p -> asConversation(p.prompt());
            default -> throw bad(record, "payload type '" + record.payload().type() + "' has no prompt");
        };
    }

    /** The answer side: the chat's last assistant turn or the completion; null when the record has none. */
    public static String answer(DataRecord record) {
        return switch (record.payload()) {
            case Payload.Chat c -> {
                List<Message> m = c.messages().messages();
                yield !m.isEmpty() && m.getLast().role() == Role.ASSISTANT ? m.getLast().content() : null;
            }
            case Payload.PromptCompletion pc -> pc.completion().text();
            default -> null;
        };
    }

    /** The user-facing instruction: the text, or the prompt's user turns. */
    public static String instruction(DataRecord record) {
        return record.payload() instanceof Payload.Text t ? t.text() : prompt(record).userText();
    }

    public static Conversation asConversation(Content c) {
        return c instanceof Conversation conv ? conv : Conversation.of(Message.user(((PlainText) c).value()));
    }

    /** System, user and assistant turns as LangChain4j messages; tool turns are not sent (no flow offers tools). */
    public static List<ChatMessage> toChatMessages(Conversation conversation) {
        List<ChatMessage> out = new ArrayList<>();
        for (Message m : conversation.messages()) {
            switch (m.role()) {
                case SYSTEM -> out.add(SystemMessage.from(m.content()));
                case USER -> out.add(UserMessage.from(m.content()));
                case ASSISTANT -> out.add(AiMessage.from(m.content()));
                case TOOL -> {
                }
            }
        }
        return out;
    }

    private static ModelCallException bad(DataRecord record, String why) {
        return new ModelCallException(ModelCallException.Kind.OTHER, "input " + record.id() + ": " + why, 0, null);
    }
}
