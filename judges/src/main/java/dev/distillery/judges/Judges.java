package dev.distillery.judges;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.model.Content;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Role;
import dev.distillery.datasets.model.Score;
import dev.distillery.datasets.spi.Plugins;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.PairInput;
import dev.distillery.judges.spi.PairwiseJudge;
import dev.distillery.judges.spi.PairwiseVerdict;
import dev.distillery.judges.spi.Verdict;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The entry point to judges: find a provider by name, build a judge from a config, and apply it to records.
 *
 * <pre>{@code
 * Judge judge = Judges.judge("single-grade", new JudgeConfig(Map.of(), List.of(model), null, "judges.yaml"));
 * Judged<Verdict> j = Judges.apply(judge, record);   // j.record() has a Score under judge.name() when scored
 * }</pre>
 *
 * <p>What a judge sees of a record: for a chat, the last assistant turn is the response and the turns before it the
 * prompt; for a prompt-completion, the prompt and the completion; a preference record goes to a pairwise judge with
 * chosen as the first answer and rejected as the second. The reference answer, when there is one, is the text of the
 * record's unmodelled source field {@value #REFERENCE_FIELD}.
 */
public final class Judges {
    /** The source field a reference answer is read from unless another is named. */
    public static final String REFERENCE_FIELD = "reference";

    private Judges() {
    }

    /** Every registered judge provider, built-ins and plugins, in discovery order. */
    public static List<JudgeProvider> providers() {
        return Plugins.load(JudgeProvider.class);
    }

    /**
     * The provider called {@code name}.
     *
     * @throws IllegalArgumentException naming the closest known provider and listing all of them
     */
    public static JudgeProvider provider(String name) {
        Map<String, JudgeProvider> byName = new LinkedHashMap<>();
        for (JudgeProvider p : providers()) byName.putIfAbsent(p.name(), p);
        JudgeProvider p = name == null ? null : byName.get(name);
        if (p != null) return p;
        StringBuilder msg = new StringBuilder("unknown judge '").append(name).append("'");
        String closest = Names.closest(name, byName.keySet());
        if (closest != null) msg.append("; did you mean '").append(closest).append("'?");
        msg.append(" Known judges: ").append(String.join(", ", byName.keySet()));
        throw new IllegalArgumentException(msg.toString());
    }

    /** A single-answer judge or verifier built by the provider called {@code name}. */
    public static Judge judge(String name, JudgeConfig config) {
        JudgeProvider p = provider(name);
        if (p.kind() == JudgeProvider.Kind.PAIRWISE) {
            throw new IllegalArgumentException("judge '" + name + "' compares two answers; build it with Judges.pairwise");
        }
        return p.createJudge(config);
    }

    /** A pairwise judge built by the provider called {@code name}. */
    public static PairwiseJudge pairwise(String name, JudgeConfig config) {
        JudgeProvider p = provider(name);
        if (p.kind() != JudgeProvider.Kind.PAIRWISE) {
            throw new IllegalArgumentException("judge '" + name + "' scores one answer; build it with Judges.judge");
        }
        return p.createPairwise(config);
    }

    /** Judges {@code record}, reading a reference from the {@value #REFERENCE_FIELD} source field. */
    public static Judged<Verdict> apply(Judge judge, DataRecord record) {
        return apply(judge, record, REFERENCE_FIELD);
    }

    /**
     * Judges {@code record}. A score is stored under {@link Judge#name()}; a failure (including a record the judge
     * cannot read, or a judge that throws) leaves the record unchanged and is returned as the verdict.
     */
    public static Judged<Verdict> apply(Judge judge, DataRecord record, String referenceField) {
        Object input = singleInput(record, referenceField);
        if (input instanceof String reason) return new Judged<>(record, new Verdict.Failed(judge.name(), reason, null));
        Verdict v;
        try {
            v = judge.judge((JudgeInput) input);
        } catch (RuntimeException e) {
            v = new Verdict.Failed(judge.name(), "judge threw " + e, null);
        }
        if (v == null) v = new Verdict.Failed(judge.name(), "the judge returned no verdict", null);
        return new Judged<>(v instanceof Verdict.Scored s ? record.withScore(s.judge(), s.toScore()) : record, v);
    }

    /** Compares a preference record's chosen (first) and rejected (second) answers. */
    public static Judged<PairwiseVerdict> apply(PairwiseJudge judge, DataRecord record) {
        return apply(judge, record, REFERENCE_FIELD);
    }

    /**
     * Compares a preference record's chosen (first) and rejected (second) answers. The stored score says how far
     * the judge agrees with the record's preference: 1 when it prefers chosen, 0 when it prefers rejected, 0.5 for a
     * tie (including answers whose position orders disagreed); the rationale keeps the swap consistency.
     */
    public static Judged<PairwiseVerdict> apply(PairwiseJudge judge, DataRecord record, String referenceField) {
        if (!(record.payload() instanceof Payload.Preference pref)) {
            return new Judged<>(record, new PairwiseVerdict.Failed(judge.name(), "a pairwise judge needs a preference record, got a "
                    + record.payload().type() + " record", null));
        }
        PairInput input = new PairInput(promptOf(pref.prompt()), answerOf(pref.chosen()), answerOf(pref.rejected()),
                reference(record, referenceField));
        PairwiseVerdict v;
        try {
            v = judge.compare(input);
        } catch (RuntimeException e) {
            v = new PairwiseVerdict.Failed(judge.name(), "judge threw " + e, null);
        }
        if (v == null) v = new PairwiseVerdict.Failed(judge.name(), "the judge returned no verdict", null);
        if (v instanceof PairwiseVerdict.Decided d) {
            double value = switch (d.winner()) {
                case FIRST -> 1.0;
                case SECOND -> 0.0;
                case TIE -> 0.5;
            };
            String why = "prefers " + switch (d.winner()) {
                case FIRST -> "chosen";
                case SECOND -> "rejected";
                case TIE -> "neither";
            } + (d.swapConsistent() == null ? "" : d.swapConsistent() ? " (swap-consistent)" : " (swap-inconsistent)")
                    + (d.rationale() == null ? "" : "\n" + d.rationale());
            return new Judged<>(record.withScore(d.judge(), new Score(value, why)), v);
        }
        return new Judged<>(record, v);
    }

    /**
     * What a single-answer judge sees of {@code record}.
     *
     * @throws IllegalArgumentException when the record holds no single answer (text, tokens, a preference pair)
     */
    public static JudgeInput inputOf(DataRecord record, String referenceField) {
        Object input = singleInput(record, referenceField);
        if (input instanceof String reason) throw new IllegalArgumentException("record " + record.id() + ": " + reason);
        return (JudgeInput) input;
    }

    /** A {@link JudgeInput}, or the reason the record has none. */
    private static Object singleInput(DataRecord record, String referenceField) {
        String reference = reference(record, referenceField);
        return switch (record.payload()) {
            case Payload.Chat chat -> {
                List<Message> messages = chat.messages().messages();
                int last = messages.size() - 1;
                while (last >= 0 && messages.get(last).role() != Role.ASSISTANT) last--;
                if (last < 0) yield "the chat has no assistant turn to judge";
                if (last == 0) yield "the chat's assistant turn has no prompt before it";
                yield new JudgeInput(transcript(messages.subList(0, last)), messages.get(last).content(), reference);
            }
            case Payload.PromptCompletion pc -> new JudgeInput(promptOf(pc.prompt()), answerOf(pc.completion()), reference);
            case Payload.Preference p -> "a preference record holds two answers; judge it with a pairwise judge";
            case Payload.Text t -> "a text record has no prompt and answer to judge";
            case Payload.Tokens t -> "a pretokenized record has no text to judge";
            case Payload.TokenPreference t -> "a pretokenized record has no text to judge";
        };
    }

    private static String promptOf(Content prompt) {
        return prompt instanceof Conversation c ? transcript(c.messages()) : prompt.text();
    }

    /** An answer side: the assistant's text (a conversational side holds the assistant turn(s)). */
    private static String answerOf(Content answer) {
        if (answer instanceof Conversation c) {
            return c.messages().stream().filter(m -> m.role() == Role.ASSISTANT).map(Message::content)
                    .collect(Collectors.joining("\n"));
        }
        return answer.text();
    }

    /**
     * The prompt as the judge reads it: a lone user turn as is; several turns (or a system message) labelled by
     * role, so that the judge sees the whole conversation the answer continues.
     */
    private static String transcript(List<Message> messages) {
        if (messages.size() == 1 && messages.getFirst().role() == Role.USER) return messages.getFirst().content();
        return messages.stream().map(m -> label(m.role()) + ": " + m.content()).collect(Collectors.joining("\n\n"));
    }

    private static String label(Role role) {
        return switch (role) {
            case SYSTEM -> "System";
            case USER -> "User";
            case ASSISTANT -> "Assistant";
            case TOOL -> "Tool";
        };
    }

    private static String reference(DataRecord record, String referenceField) {
        if (referenceField == null || record.source() == null) return null;
        JsonNode v = record.source().fields().get(referenceField);
        if (v == null || v.isNull()) return null;
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
