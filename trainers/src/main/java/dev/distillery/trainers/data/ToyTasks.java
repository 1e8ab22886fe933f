package dev.distillery.trainers.data;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Small verifiable chat tasks that a tiny model can learn in a minute: the data of {@code examples/sft-tiny.yaml} and
 * of trainer tests that check "the model learns". Not the sandbox's task world, just enough to prove training works.
 *
 * <pre>{@code List<DataRecord> train = ToyTasks.generate(ToyTasks.Task.ADD, 2000, 1);}</pre>
 */
public final class ToyTasks {

    /** The tasks: each instruction has one correct answer. */
    public enum Task {
        /** "3+5=" → "8": single digits, so a tiny model can learn the whole table in a minute */
        ADD,
        /** "reverse: abc" → "cba" */
        REVERSE,
        /** "upper: abc" → "ABC" */
        UPPER;

        public static Task parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown toy task '" + s + "', expected add, reverse or upper");
            }
        }
    }

    private ToyTasks() {
    }

    public static List<DataRecord> generate(Task task, int count, long seed) {
        Random r = new Random(seed);
        List<DataRecord> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String[] qa = switch (task) {
                case ADD -> {
                    int a = r.nextInt(10), b = r.nextInt(10);
                    yield new String[]{a + "+" + b + "=", Integer.toString(a + b)};
                }
                case REVERSE -> {
                    String w = word(r);
                    yield new String[]{"reverse: " + w, new StringBuilder(w).reverse().toString()};
                }
                case UPPER -> {
                    String w = word(r);
                    yield new String[]{"upper: " + w, w.toUpperCase(Locale.ROOT)};
                }
            };
            out.add(DataRecord.of(new Payload.Chat(Conversation.of(Message.user(qa[0]), Message.assistant(qa[1])))));
        }
        return out;
    }

    /**
     * Preference pairs over the same questions as {@link #generate}: chosen is the correct answer, rejected a wrong
     * one that looks plausible (an off-by-a-little sum, a word reversed wrongly or left in lower case).
     */
    public static List<DataRecord> preferences(Task task, int count, long seed) {
        Random r = new Random(seed ^ 0x5DEECE66DL);
        List<DataRecord> out = new ArrayList<>(count);
        for (DataRecord chat : generate(task, count, seed)) {
            var turns = ((Payload.Chat) chat.payload()).messages();
            String question = turns.messages().get(0).content();
            String right = turns.last().content();
            String wrong = switch (task) {
                case ADD -> Integer.toString(Integer.parseInt(right) + (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(3)));
                case REVERSE -> question.substring("reverse: ".length());
                case UPPER -> question.substring("upper: ".length());
            };
            if (wrong.equals(right)) wrong = right + right; // a palindrome or an empty change: still wrong
            out.add(DataRecord.of(new Payload.Preference(Conversation.of(Message.user(question)),
                    Conversation.of(Message.assistant(right)), Conversation.of(Message.assistant(wrong)))));
        }
        return out;
    }

    /** The expected answer for an instruction of {@code task}, for accuracy checks. */
    public static String answer(Task task, String instruction) {
        return switch (task) {
            case ADD -> {
                String[] p = instruction.replace("=", "").split("\\+");
                yield Integer.toString(Integer.parseInt(p[0].trim()) + Integer.parseInt(p[1].trim()));
            }
            case REVERSE -> new StringBuilder(instruction.substring("reverse: ".length())).reverse().toString();
            case UPPER -> instruction.substring("upper: ".length()).toUpperCase(Locale.ROOT);
        };
    }

    private static String word(Random r) {
        int len = 3 + r.nextInt(4);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) sb.append((char) ('a' + r.nextInt(26)));
        return sb.toString();
    }
}
