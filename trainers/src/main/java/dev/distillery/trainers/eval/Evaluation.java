package dev.distillery.trainers.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Content;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Role;
import dev.distillery.trainers.runtime.GenerationRequest;
import dev.distillery.trainers.runtime.GenerationResult;
import dev.distillery.trainers.runtime.Generator;
import dev.distillery.trainers.runtime.LocalModel;
import dev.distillery.trainers.runtime.Prompt;
import dev.distillery.trainers.runtime.Scorer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Held-out evaluation of a local model: loss and perplexity of the reference answers, and the accuracy of the model's
 * own answers (greedy, or sampled with a seed) under a named verifier. The report is JSON, for files and dashboards.
 *
 * <pre>{@code
 * ObjectNode report = Evaluation.run(model, records, Evaluation.Verifier.NUMBER, Evaluation.Decoding.greedy(64));
 * }</pre>
 */
public final class Evaluation {

    /** Built-in answer checks; the judges module brings richer verifiers. */
    public enum Verifier {
        /** Equal after trimming. */
        EXACT((a, r) -> a.trim().equals(r.trim())),
        /** Equal after lower-casing and collapsing whitespace. */
        NORMALIZED((a, r) -> norm(a).equals(norm(r))),
        /** The last number in the answer equals the last number in the reference (GSM8K style). */
        NUMBER((a, r) -> {
            String x = lastNumber(a), y = lastNumber(r);
            return x != null && y != null && Double.parseDouble(x) == Double.parseDouble(y);
        });

        private final BiPredicate<String, String> check;

        Verifier(BiPredicate<String, String> check) {
            this.check = check;
        }

        public boolean test(String answer, String reference) {
            return check.test(answer, reference);
        }

        public static Verifier parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown verifier '" + name + "', expected exact, normalized or number");
            }
        }
    }

    /** How answers are produced: temperature 0 is greedy. */
    public record Decoding(int maxNewTokens, double temperature, double topP, long seed) {
        public static Decoding greedy(int maxNewTokens) {
            return new Decoding(maxNewTokens, 0, 1, 0);
        }
    }

    private static final Pattern NUMBER_PATTERN = Pattern.compile("-?\\d+(?:\\.\\d+)?");
    private static final int EXAMPLES_IN_REPORT = 20;
    /** Sequences decoded together; 16 keeps the per-step GEMMs wide enough to pay off on 2 cores. */
    private static final int GENERATION_BATCH = 16;
    /** Requests handed to the generator at once, so a large evaluation reports results as it goes. */
    private static final int GENERATION_CHUNK = 64;

    private Evaluation() {
    }

    /**
     * What an evaluation record asks and the answer it expects: a chat ending with the reference assistant turn,
     * prompt/completion, or a preference pair (the chosen side is the reference). A plain-text prompt becomes the user
     * turn.
     */
    public record Item(Conversation prompt, String reference) {
        public static Item of(DataRecord r) {
            return switch (r.payload()) {
                case Payload.Chat c when !c.messages().isEmpty() && c.messages().last().role() == Role.ASSISTANT -> {
                    List<Message> turns = c.messages().messages();
                    yield new Item(new Conversation(turns.subList(0, turns.size() - 1)), c.messages().last().content());
                }
                case Payload.PromptCompletion pc -> new Item(conversation(pc.prompt()), pc.completion().text());
                case Payload.Preference p -> new Item(conversation(p.prompt()), p.chosen().text());
                default -> throw new IllegalArgumentException("record " + r.id() + ": evaluation needs a reference "
                        + "answer (a chat ending with an assistant turn, prompt/completion, or a preference pair), got '"
                        + r.payload().type() + "'");
            };
        }

        private static Conversation conversation(Content prompt) {
            return prompt instanceof Conversation cv ? cv : Conversation.of(Message.user(prompt.text()));
        }
    }

    /** One evaluated record: the model's answer and whether the verifier accepted it. */
    public record Result(DataRecord record, String prompt, String reference, String answer, boolean correct) {
    }

    /** Receives each record's result, in input order, as answers are produced. */
    public interface ResultListener {
        void onResult(Result result);
    }

    /**
     * @param records chats ending with the reference assistant turn, or prompt/completion, or preference pairs (the
     *                chosen side is the reference)
     * @param verifier null to skip accuracy (loss and perplexity only)
     */
    public static ObjectNode run(LocalModel model, List<DataRecord> records, Verifier verifier, Decoding decoding) {
        return run(model, records, verifier, decoding, r -> {
        });
    }

    /**
     * As {@link #run(LocalModel, List, Verifier, Decoding)}, handing every record's answer to {@code listener}. Answers
     * are decoded in batches of {@link #GENERATION_BATCH} (one GEMM per weight per step for the whole batch), which is
     * what makes an evaluation of hundreds of tasks take seconds; each answer is the same as decoding it alone.
     */
    public static ObjectNode run(LocalModel model, List<DataRecord> records, Verifier verifier, Decoding decoding,
                                 ResultListener listener) {
        if (records.isEmpty()) throw new IllegalArgumentException("no evaluation records");
        Scorer scorer = new Scorer(model);
        Generator generator = new Generator(model, GENERATION_BATCH);
        double nll = 0;
        long tokens = 0;
        int correct = 0;
        ArrayNode examples = Json.MAPPER.createArrayNode();
        List<Conversation> prompts = new ArrayList<>(records.size());
        List<String> references = new ArrayList<>(records.size());
        for (DataRecord r : records) {
            Item item = Item.of(r);
            Conversation prompt = item.prompt();
            String reference = item.reference();
            Scorer.Score score = scorer.completion(Prompt.chat(prompt), reference);
            nll -= score.sum();
            tokens += score.tokens();
            prompts.add(prompt);
            references.add(reference);
        }
        if (verifier != null) {
            for (int from = 0; from < records.size(); from += GENERATION_CHUNK) {
                int to = Math.min(records.size(), from + GENERATION_CHUNK);
                List<GenerationRequest> requests = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    requests.add(GenerationRequest.builder(Prompt.chat(prompts.get(i))).maxNewTokens(decoding.maxNewTokens())
                            .temperature(decoding.temperature()).topP(decoding.topP()).seed(decoding.seed()).build());
                }
                List<GenerationResult> answers = generator.generateAll(requests);
                for (int i = from; i < to; i++) {
                    DataRecord r = records.get(i);
                    String answer = answers.get(i - from).first().text();
                    boolean ok = verifier.test(answer, references.get(i));
                    if (ok) correct++;
                    if (examples.size() < EXAMPLES_IN_REPORT) {
                        examples.addObject().put("id", r.id()).put("answer", answer).put("reference", references.get(i))
                                .put("correct", ok);
                    }
                    listener.onResult(new Result(r, prompts.get(i).messages().getLast().content(), references.get(i),
                            answer, ok));
                }
            }
        }
        ObjectNode report = Json.object().put("model", model.name()).put("records", records.size())
                .put("loss", nll / Math.max(1, tokens)).put("perplexity", Math.exp(nll / Math.max(1, tokens)))
                .put("reference_tokens", tokens).put("backend", model.backend().name().toLowerCase(Locale.ROOT));
        if (verifier != null) {
            report.put("verifier", verifier.name().toLowerCase(Locale.ROOT)).put("accuracy", (double) correct / records.size());
            report.putObject("decoding").put("max_new_tokens", decoding.maxNewTokens())
                    .put("temperature", decoding.temperature()).put("top_p", decoding.topP()).put("seed", decoding.seed());
            report.set("examples", examples);
        }
        return report;
    }

    private static String norm(String s) {
        return s.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    private static String lastNumber(String s) {
        Matcher m = NUMBER_PATTERN.matcher(s.replace(",", ""));
        String last = null;
        while (m.find()) last = m.group();
        return last;
    }
}
