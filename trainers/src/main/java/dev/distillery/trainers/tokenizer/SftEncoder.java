package dev.distillery.trainers.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.model.Content;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Role;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Turns SFT payloads into token ids and labels in the Hugging Face convention (labels aligned with the ids, -100 where
 * nothing is learned; the shift happens in the model, see {@code engine.Batch}).
 *
 * <pre>{@code
 * SftEncoder enc = SftEncoder.load(modelDir, SftEncoder.Options.keepStart(2048));
 * SftEncoder.Result r = enc.encode(record.payload());
 * if (r.kept()) rows.add(r.toTokens()); else dropped.merge(r.status(), 1, Integer::sum);
 * }</pre>
 *
 * <p>What is trained, per payload:
 * <ul>
 * <li>{@link Payload.Chat}: the assistant turns only. For assistant turn i the chat template renders messages
 *     {@code [0, i)} with {@code add_generation_prompt=true} and {@code [0, i]} without; the text between is the
 *     turn's target. With ChatML that is {@code content + "<|im_end|>\n"}: the end-of-turn token must be learned (the
 *     model has to stop; TRL warns when it is masked), and the newline the template writes after it is included
 *     because it is part of what the template renders for the turn (LLaMA-Factory's Qwen format does the same); it is
 *     one deterministic token and never sampled, since generation stops at {@code <|im_end|>}.</li>
 * <li>{@link Payload.PromptCompletion}: the completion only (TRL {@code completion_only_loss}). Conversational: the
 *     prompt rendered with the generation prompt, then everything after it. Plain: {@code prompt + completion}, the
 *     completion getting {@code eos_token} appended when missing (TRL). A mixed pair is made conversational: a plain
 *     prompt becomes a user turn, a plain completion an assistant turn.</li>
 * <li>{@link Payload.Text}: every token; {@code eos_token} appended when the text does not end with it (TRL).</li>
 * <li>{@link Payload.Tokens}: as given (ids checked against the vocabulary).</li>
 * </ul>
 * No BOS is prepended: the template decides (ChatML has none).
 *
 * <p>Token boundaries: the whole text is encoded once, and each target boundary is checked to be stable (the tokens
 * of the text before it are exactly the first tokens of the whole). Byte-level BPE with specials around every turn
 * is stable for ChatML; where it is not (a plain prompt ending in a space, say), the text is encoded segment by segment
 * between the boundaries instead, so the mask is exact at the cost of a tokenization that can differ from encoding
 * the whole string at the boundary. {@link Result#segmented()} reports it.
 */
public final class SftEncoder {

    /** What to do with an example longer than the maximum length. */
    public enum Truncation {
        /** Keep the first {@code maxLength} tokens (TRL {@code keep_start}). */
        KEEP_START,
        /** Reject the example. */
        DROP
    }

    /**
     * @param maxLength  maximum tokens per example (0: unlimited)
     * @param truncation what happens beyond it
     * @param appendEos  append {@code eos_token} to plain text and plain completions that lack it (TRL default)
     */
    public record Options(int maxLength, Truncation truncation, boolean appendEos) {
        public Options {
            Objects.requireNonNull(truncation, "truncation");
            if (maxLength < 0) throw new IllegalArgumentException("maxLength must be 0 (unlimited) or positive");
        }

        public static Options keepStart(int maxLength) {
            return new Options(maxLength, Truncation.KEEP_START, true);
        }

        public static Options drop(int maxLength) {
            return new Options(maxLength, Truncation.DROP, true);
        }
    }

    /** What happened to an example; callers count these. */
    public enum Status {
        /** Encoded whole. */
        KEPT,
        /** Cut to the maximum length ({@link Truncation#KEEP_START}). */
        TRUNCATED,
        /** Longer than the maximum length under {@link Truncation#DROP}. */
        DROPPED_TOO_LONG,
        /** No position left to learn (no assistant turn, or truncation removed all of it). */
        DROPPED_NO_TARGETS,
        /**
         * A preference pair with an empty chosen or rejected completion: usually a failed generation, and nothing a
         * pair can teach about how to answer.
         */
        DROPPED_EMPTY_COMPLETION
    }

    /**
     * One encoded example.
     *
     * @param status       what happened
     * @param inputIds     token ids (empty when dropped)
     * @param labels       ids at trained positions, -100 elsewhere (empty when dropped)
     * @param fullLength   tokens before truncation
     * @param segmented    whether the boundary fallback (segment-wise encoding) was used
     */
    public record Result(Status status, int[] inputIds, int[] labels, int fullLength, boolean segmented) {

        public boolean kept() {
            return status == Status.KEPT || status == Status.TRUNCATED;
        }

        /** Positions t ≥ 1 with a label: the targets the loss will score (position 0 has no preceding logit). */
        public int targetCount() {
            int n = 0;
            for (int t = 1; t < labels.length; t++) if (labels[t] != Payload.Tokens.IGNORE_INDEX) n++;
            return n;
        }

        /** The example as a pretokenized payload. */
        public Payload.Tokens toTokens() {
            if (!kept()) throw new IllegalStateException("example was dropped (" + status + ")");
            return new Payload.Tokens(inputIds, labels);
        }

        @Override
        public String toString() {
            return "Result[" + status + ", ids=" + Arrays.toString(inputIds) + ", labels=" + Arrays.toString(labels)
                    + ", fullLength=" + fullLength + (segmented ? ", segmented" : "") + "]";
        }
    }

    private static final int IGNORE = Payload.Tokens.IGNORE_INDEX;

    private final Tokenizer tokenizer;
    private final TokenizerConfig config;
    private final Options options;
    private volatile ChatTemplate template;

    public SftEncoder(Tokenizer tokenizer, TokenizerConfig config, Options options) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        if (options.appendEos() && config.eosToken() == null) {
            throw new IllegalArgumentException("tokenizer_config.json in " + config.dir() + " has no eos_token, which "
                    + "appendEos needs");
        }
    }

    /** Tokenizer and config from a model directory. The chat template is needed (and checked) only for chats. */
    public static SftEncoder load(Path dir, Options options) throws IOException {
        return new SftEncoder(Tokenizer.load(dir), TokenizerConfig.load(dir), options);
    }

    /** Encodes one payload. Throws for payloads SFT cannot use (preference pairs) and for out-of-vocabulary ids. */
    public Result encode(Payload payload) {
        return switch (payload) {
            case Payload.Text t -> {
                String text = withEos(t.text());
                yield finish(encodeSpans(text, List.of(new int[]{0, text.length()})));
            }
            case Payload.Chat c -> finish(encodeChat(c.messages().messages(), c.tools()));
            case Payload.PromptCompletion pc -> finish(encodePromptCompletion(pc.prompt(), pc.completion()));
            case Payload.Tokens tk -> finish(checked(tk));
            case Payload.Preference p -> throw new IllegalArgumentException(
                    "a preference pair is not SFT data; train it with DPO or convert it to prompt/completion");
            case Payload.TokenPreference p -> throw new IllegalArgumentException(
                    "a pretokenized preference pair is not SFT data; train it with DPO");
        };
    }

    /** Ids and labels before truncation, and whether segment-wise encoding was needed. */
    private record Encoded(int[] ids, int[] labels, boolean segmented) {
    }

    private Encoded encodeChat(List<Message> messages, JsonNode tools) {
        ChatTemplate t = template();
        String full = t.render(messages, tools, false);
        List<int[]> spans = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).role() != Role.ASSISTANT) continue;
            String before = t.render(messages.subList(0, i), tools, true);
            String through = t.render(messages.subList(0, i + 1), tools, false);
            spans.add(span(full, before, through, "assistant turn " + i));
        }
        return encodeSpans(full, spans);
    }

    private Encoded encodePromptCompletion(Content prompt, Content completion) {
        if (prompt instanceof PlainText p && completion instanceof PlainText c) {
            String full = p.value() + withEos(c.value());
            return encodeSpans(full, List.of(new int[]{p.value().length(), full.length()}));
        }
        List<Message> promptMessages = prompt instanceof Conversation pc ? pc.messages()
                : List.of(Message.user(prompt.text()));
        List<Message> all = new ArrayList<>(promptMessages);
        all.addAll(completion instanceof Conversation cc ? cc.messages() : List.of(Message.assistant(completion.text())));
        ChatTemplate t = template();
        String full = t.render(all, null, false);
        String before = t.render(promptMessages, null, true);
        return encodeSpans(full, List.of(span(full, before, full, "completion")));
    }

    /** The character span of a target, checking that the template renders prefixes consistently. */
    private static int[] span(String full, String before, String through, String what) {
        if (!through.startsWith(before) || !full.startsWith(through)) {
            throw new IllegalArgumentException("the chat template does not render " + what + " as an extension of the "
                    + "conversation before it (prefix with generation prompt: '" + tail(before) + "', through the turn: '"
                    + tail(through) + "'), so its loss mask cannot be derived from prefixes");
        }
        return new int[]{before.length(), through.length()};
    }

    private static String tail(String s) {
        return s.length() <= 60 ? s : "..." + s.substring(s.length() - 60);
    }

    /**
     * Encodes {@code text} with the characters inside {@code spans} trained. Tries the whole text first and checks
     * that every span boundary falls on a token boundary; otherwise encodes the pieces between boundaries separately.
     */
    private Encoded encodeSpans(String text, List<int[]> spans) {
        TreeSet<Integer> cuts = new TreeSet<>();
        for (int[] s : spans) {
            cuts.add(s[0]);
            cuts.add(s[1]);
        }
        cuts.remove(0);
        cuts.remove(text.length());
        int[] ids = tokenizer.encode(text);
        int[] charToToken = new int[text.length() + 1]; // only filled at the cut points
        boolean stable = true;
        for (int cut : cuts) {
            int[] prefix = tokenizer.encode(text.substring(0, cut));
            if (prefix.length > ids.length || !Arrays.equals(prefix, 0, prefix.length, ids, 0, prefix.length)) {
                stable = false;
                break;
            }
            charToToken[cut] = prefix.length;
        }
        charToToken[text.length()] = ids.length;
        boolean segmented = !stable;
        if (segmented) {
            ByteLevelBpeTokenizer.IntList all = new ByteLevelBpeTokenizer.IntList(ids.length + 8);
            int from = 0;
            for (int cut : cuts) {
                all.addAll(tokenizer.encode(text.substring(from, cut)));
                charToToken[cut] = all.size();
                from = cut;
            }
            all.addAll(tokenizer.encode(text.substring(from)));
            ids = all.toArray();
            charToToken[text.length()] = ids.length;
        }
        int[] labels = new int[ids.length];
        Arrays.fill(labels, IGNORE);
        for (int[] s : spans) {
            int from = s[0] == 0 ? 0 : charToToken[s[0]];
            int to = charToToken[s[1]];
            System.arraycopy(ids, from, labels, from, to - from);
        }
        return new Encoded(ids, labels, segmented);
    }

    private Encoded checked(Payload.Tokens tokens) {
        for (int id : tokens.inputIds()) {
            if (id < 0 || id >= tokenizer.size()) {
                throw new IllegalArgumentException("pretokenized example has id " + id + ", outside the vocabulary of "
                        + tokenizer.size());
            }
        }
        return new Encoded(tokens.inputIds().clone(), tokens.labels().clone(), false);
    }

    private Result finish(Encoded e) {
        int n = e.ids().length;
        int max = options.maxLength();
        if (max > 0 && n > max && options.truncation() == Truncation.DROP) {
            return new Result(Status.DROPPED_TOO_LONG, new int[0], new int[0], n, e.segmented());
        }
        boolean cut = max > 0 && n > max;
        int[] ids = cut ? Arrays.copyOf(e.ids(), max) : e.ids();
        int[] labels = cut ? Arrays.copyOf(e.labels(), max) : e.labels();
        Result r = new Result(cut ? Status.TRUNCATED : Status.KEPT, ids, labels, n, e.segmented());
        if (r.targetCount() == 0) return new Result(Status.DROPPED_NO_TARGETS, new int[0], new int[0], n, e.segmented());
        return r;
    }

    private String withEos(String text) {
        if (!options.appendEos()) return text;
        String eos = config.eosToken();
        return text.endsWith(eos) ? text : text + eos;
    }

    private ChatTemplate template() {
        ChatTemplate t = template;
        if (t == null) template = t = ChatTemplate.of(config);
        return t;
    }
}
