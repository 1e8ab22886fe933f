package dev.distillery.judges.select;

import dev.distillery.datasets.model.Content;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Role;

/**
 * One answer to a prompt, as a pair needs it: the prompt and the answer as separate {@link Content}. A chat's answer
 * is its last assistant turn (kept conversational, as TRL's conversational DPO layout has it); a prompt-completion's
 * is its completion. Other payloads have no single answer.
 *
 * @param record the candidate record
 * @param prompt what was asked
 * @param answer what the candidate answered
 */
record Candidate(DataRecord record, Content prompt, Content answer) {

    /** The candidate view of a record, or null when the payload has no single answer. */
    static Candidate of(DataRecord r) {
        return switch (r.payload()) {
            case Payload.Chat chat -> {
                Conversation m = chat.messages();
                if (m.messages().size() < 2 || m.last().role() != Role.ASSISTANT) yield null;
                yield new Candidate(r, m.subList(0, m.messages().size() - 1), Conversation.of(m.last()));
            }
            case Payload.PromptCompletion pc -> new Candidate(r, pc.prompt(), pc.completion());
            default -> null;
        };
    }

    String id() {
        return record.id();
    }
}
