package dev.distillery.trainers.tokenizer;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SftEncoderTest {

    private static final int IGNORE = -100;
    private final ByteLevelBpeTokenizer tok = Fixtures.tokenizer();

    private SftEncoder encoder(SftEncoder.Options options) throws Exception {
        return SftEncoder.load(Fixtures.dir(), options);
    }

    /** The text of each maximal run of trained positions, checking that labels equal ids there. */
    private List<String> trainedRuns(SftEncoder.Result r) {
        assertEquals(r.inputIds().length, r.labels().length);
        List<String> runs = new ArrayList<>();
        int t = 0;
        while (t < r.labels().length) {
            if (r.labels()[t] == IGNORE) {
                t++;
                continue;
            }
            int from = t;
            while (t < r.labels().length && r.labels()[t] != IGNORE) {
                assertEquals(r.inputIds()[t], r.labels()[t], "label equals id at " + t);
                t++;
            }
            runs.add(tok.decode(Arrays.copyOfRange(r.inputIds(), from, t)));
        }
        return runs;
    }

    private String untrainedText(SftEncoder.Result r) {
        int[] ids = java.util.stream.IntStream.range(0, r.inputIds().length).filter(i -> r.labels()[i] == IGNORE)
                .map(i -> r.inputIds()[i]).toArray();
        return tok.decode(ids);
    }

    @Test
    void chatTrainsExactlyTheAssistantTurns() throws Exception {
        Conversation c = Conversation.of(
                Message.system("You are terse."),
                Message.user("Wie spät ist es?"),
                Message.assistant("Zwölf Uhr. 🕛"),
                Message.user("And in 東京?"),
                Message.assistant("  Eight in the evening.\n\nBye!"));
        SftEncoder.Result r = encoder(SftEncoder.Options.keepStart(0)).encode(new Payload.Chat(c));
        assertEquals(SftEncoder.Status.KEPT, r.status());
        assertFalse(r.segmented(), "ChatML boundaries are stable token boundaries");
        assertEquals(List.of("Zwölf Uhr. 🕛<|im_end|>\n", "  Eight in the evening.\n\nBye!<|im_end|>\n"), trainedRuns(r));
        assertEquals("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nWie spät ist es?<|im_end|>\n"
                + "<|im_start|>assistant\n<|im_start|>user\nAnd in 東京?<|im_end|>\n<|im_start|>assistant\n",
                untrainedText(r));
        assertArrayEquals(tok.encode(ChatTemplate.load(Fixtures.dir()).render(c, false)), r.inputIds(),
                "ids are the encoding of the whole rendered conversation");
        int eot = tok.id("<|im_end|>");
        assertEquals(2, Arrays.stream(r.labels()).filter(l -> l == eot).count(), "each end-of-turn token is trained");
    }

    @Test
    void chatWithoutAssistantTurnHasNoTargets() throws Exception {
        SftEncoder.Result r = encoder(SftEncoder.Options.keepStart(0))
                .encode(new Payload.Chat(Conversation.of(Message.user("hello?"))));
        assertEquals(SftEncoder.Status.DROPPED_NO_TARGETS, r.status());
        assertFalse(r.kept());
    }

    @Test
    void plainPromptCompletionTrainsTheCompletionAndEos() throws Exception {
        SftEncoder enc = encoder(SftEncoder.Options.keepStart(0));
        SftEncoder.Result r = enc.encode(new Payload.PromptCompletion(new PlainText("Question: 2+2?\nAnswer:"),
                new PlainText(" 4, naturellement.")));
        assertEquals(List.of(" 4, naturellement.<|im_end|>"), trainedRuns(r));
        assertEquals("Question: 2+2?\nAnswer:", untrainedText(r));
        assertFalse(r.segmented());

        // "hel" + "lo" would be one piece " hello": the boundary is unstable, so the pieces are encoded apart.
        SftEncoder.Result split = enc.encode(new Payload.PromptCompletion(new PlainText("Say hel"), new PlainText("lo")));
        assertTrue(split.segmented());
        assertEquals(List.of("lo<|im_end|>"), trainedRuns(split));
        assertEquals("Say hel", untrainedText(split));
    }

    @Test
    void conversationalPromptCompletionTrainsTheCompletionTurns() throws Exception {
        SftEncoder.Result r = encoder(SftEncoder.Options.keepStart(0)).encode(new Payload.PromptCompletion(
                Conversation.of(Message.system("Be kind."), Message.user("Grüß dich!")),
                Conversation.of(Message.assistant("Servus! 👋"))));
        assertEquals(List.of("Servus! 👋<|im_end|>\n"), trainedRuns(r));
        assertEquals("<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nGrüß dich!<|im_end|>\n"
                + "<|im_start|>assistant\n", untrainedText(r));
        // A plain completion after a conversational prompt becomes an assistant turn.
        SftEncoder.Result mixed = encoder(SftEncoder.Options.keepStart(0)).encode(new Payload.PromptCompletion(
                Conversation.of(Message.user("Hi")), new PlainText("Hello.")));
        assertEquals(List.of("Hello.<|im_end|>\n"), trainedRuns(mixed));
    }

    @Test
    void textTrainsEveryTokenAndAppendsEosOnce() throws Exception {
        SftEncoder enc = encoder(SftEncoder.Options.keepStart(0));
        SftEncoder.Result r = enc.encode(new Payload.Text("Plain text, überall."));
        assertArrayEquals(r.inputIds(), r.labels());
        assertEquals(tok.id("<|im_end|>"), r.inputIds()[r.inputIds().length - 1]);
        assertEquals("Plain text, überall.<|im_end|>", tok.decode(r.inputIds()));
        SftEncoder.Result already = enc.encode(new Payload.Text("Done.<|im_end|>"));
        assertEquals("Done.<|im_end|>", tok.decode(already.inputIds()));
        SftEncoder.Result noEos = encoder(new SftEncoder.Options(0, SftEncoder.Truncation.KEEP_START, false))
                .encode(new Payload.Text("Done."));
        assertEquals("Done.", tok.decode(noEos.inputIds()));
    }

    @Test
    void tokensAreTakenAsIs() throws Exception {
        SftEncoder enc = encoder(SftEncoder.Options.keepStart(0));
        Payload.Tokens in = new Payload.Tokens(new int[]{5, 6, 7, 8}, new int[]{IGNORE, IGNORE, 7, 8});
        assertEquals(in, enc.encode(in).toTokens());
        assertThrows(IllegalArgumentException.class,
                () -> enc.encode(new Payload.Tokens(new int[]{1, Fixtures.PADDED}, new int[]{1, 2})));
        assertEquals(SftEncoder.Status.DROPPED_NO_TARGETS,
                enc.encode(new Payload.Tokens(new int[]{1, 2}, new int[]{1, IGNORE})).status(),
                "a label at position 0 is never scored");
    }

    @Test
    void truncationKeepsTheStartOrDropsAndIsCounted() throws Exception {
        List<Payload> data = List.of(
                new Payload.Text("short"),
                new Payload.Text("this text is rather long and will certainly exceed the limit of tokens"),
                new Payload.Chat(Conversation.of(Message.user("a long question that takes all the room there is "
                        + "before the answer starts"), Message.assistant("answer"))),
                new Payload.Tokens(new int[]{1, 2, 3}, new int[]{1, 2, 3}));
        Map<SftEncoder.Status, Integer> keep = count(encoder(SftEncoder.Options.keepStart(8)), data);
        assertEquals(Map.of(SftEncoder.Status.KEPT, 2, SftEncoder.Status.TRUNCATED, 1,
                SftEncoder.Status.DROPPED_NO_TARGETS, 1), keep);
        Map<SftEncoder.Status, Integer> drop = count(encoder(SftEncoder.Options.drop(8)), data);
        assertEquals(Map.of(SftEncoder.Status.KEPT, 2, SftEncoder.Status.DROPPED_TOO_LONG, 2), drop);

        SftEncoder.Result cut = encoder(SftEncoder.Options.keepStart(8)).encode(data.get(1));
        assertEquals(8, cut.inputIds().length);
        assertEquals(8, cut.labels().length);
        assertTrue(cut.fullLength() > 8);
        int[] whole = encoder(SftEncoder.Options.keepStart(0)).encode(data.get(1)).inputIds();
        assertArrayEquals(Arrays.copyOf(whole, 8), cut.inputIds(), "KEEP_START keeps the first tokens");
    }

    private static Map<SftEncoder.Status, Integer> count(SftEncoder enc, List<Payload> data) {
        Map<SftEncoder.Status, Integer> counts = new EnumMap<>(SftEncoder.Status.class);
        for (Payload p : data) counts.merge(enc.encode(p).status(), 1, Integer::sum);
        return counts;
    }

    @Test
    void refusesPreferencesAndChatsWithoutTemplate() throws Exception {
        SftEncoder enc = encoder(SftEncoder.Options.keepStart(0));
        assertThrows(IllegalArgumentException.class, () -> enc.encode(new Payload.Preference(new PlainText("p"),
                new PlainText("a"), new PlainText("b"))));
        TokenizerConfig noTemplate = new TokenizerConfig(Fixtures.dir(), true, null, null, "<|im_end|>", null, 0);
        SftEncoder plain = new SftEncoder(tok, noTemplate, SftEncoder.Options.keepStart(0));
        assertEquals(SftEncoder.Status.KEPT, plain.encode(new Payload.Text("fine without a template")).status());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> plain.encode(new Payload.Chat(Conversation.of(Message.user("x"), Message.assistant("y")))));
        assertTrue(e.getMessage().contains("has no chat_template; conversational training needs one"), e.getMessage());
    }
}
