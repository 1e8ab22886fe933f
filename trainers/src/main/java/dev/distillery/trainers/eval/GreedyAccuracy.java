package dev.distillery.trainers.eval;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Role;
import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.TrainingModel;
import dev.distillery.trainers.tokenizer.ChatTemplate;
import dev.distillery.trainers.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * Exact-match accuracy of greedy answers on chat records whose last turn is the reference answer: the prompt (all
 * turns before it) is rendered with the chat template, the model decodes greedily until the end-of-turn token, and
 * the answer counts when it equals the reference after trimming. Uses the training engine's forward (no KV cache):
 * meant for short answers on small models, e.g. to show that a tiny model learned its task; the local runtime brings
 * fast generation.
 *
 * <pre>{@code double acc = GreedyAccuracy.of(model, tokenizer, template, evalRecords, 16);}</pre>
 */
public final class GreedyAccuracy {

    private GreedyAccuracy() {
    }

    public static double of(TrainingModel model, Tokenizer tokenizer, ChatTemplate template, List<DataRecord> records,
                            int maxNewTokens) {
        if (records.isEmpty()) return Double.NaN;
        int endOfTurn = tokenizer.id(template.eosToken());
        int correct = 0;
        for (DataRecord r : records) {
            Conversation prompt;
            String reference;
            if (r.payload() instanceof Payload.Chat chat && !chat.messages().isEmpty()
                    && chat.messages().last().role() == Role.ASSISTANT) {
                List<Message> turns = chat.messages().messages();
                prompt = new Conversation(turns.subList(0, turns.size() - 1));
                reference = chat.messages().last().content();
            } else if (r.payload() instanceof Payload.Preference pref && pref.prompt() instanceof Conversation c
                    && pref.chosen() instanceof Conversation chosen && !chosen.isEmpty()) {
                prompt = c;
                reference = chosen.last().content();
            } else {
                throw new IllegalArgumentException("record " + r.id() + ": accuracy needs chats ending with the "
                        + "reference assistant answer, or conversational preference pairs (the chosen answer)");
            }
            String answer = decode(model, tokenizer, template.render(prompt, true), endOfTurn, maxNewTokens);
            if (answer.trim().equals(reference.trim())) correct++;
        }
        return (double) correct / records.size();
    }

    /** Greedy continuation of {@code prompt} until {@code stopId} or {@code maxNewTokens}. */
    public static String decode(TrainingModel model, Tokenizer tokenizer, String prompt, int stopId, int maxNewTokens) {
        int[] ids = tokenizer.encode(prompt);
        int vocab = model.config().vocabSize();
        int start = ids.length;
        for (int i = 0; i < maxNewTokens; i++) {
            int[] labels = new int[ids.length];
            Arrays.fill(labels, Batch.IGNORE);
            float[] logits = model.logits(Batch.of(1, ids.length, ids, labels), 0);
            int off = (ids.length - 1) * vocab;
            int best = 0;
            for (int v = 1; v < vocab; v++) if (logits[off + v] > logits[off + best]) best = v;
            if (best == stopId) break;
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = best;
        }
        return tokenizer.decode(Arrays.copyOfRange(ids, start, ids.length), true);
    }
}
