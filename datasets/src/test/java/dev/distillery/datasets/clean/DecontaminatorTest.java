package dev.distillery.datasets.clean;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.distillery.datasets.clean.Fixtures.ids;
import static dev.distillery.datasets.clean.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DecontaminatorTest {

    /** 16 distinct words w0..w15. */
    private static final String[] Q = "natalia sold clips to forty eight of her friends in april and then she sold half"
            .split(" ");

    private static String words(int from, int to) {
        return String.join(" ", Arrays.copyOfRange(Q, from, to));
    }

    private static Decontaminator decon(double threshold, int n) {
        return Decontaminator.builder().threshold(threshold).ngramSize(n)
                .evalSet("gsm8k", RecordSource.of(List.of(
                        text("g0", "What is the sum of the first ten prime numbers?"),
                        text("g1", String.join(" ", Q) + "?"))))
                .evalTexts("tiny", List.of("Capital of Peru"))
                .build();
    }

    private static DecontaminationReport run(Decontaminator d, List<DataRecord> training, List<DataRecord> kept,
                                             List<DataRecord> removed) {
        return d.run(RecordSource.of(training), RecordSink.into(kept), RecordSink.into(removed));
    }

    @Test
    void evalQuestionEmbeddedInATrainingPromptIsRemovedAndReported() {
        List<DataRecord> training = List.of(
                text("t0", "Solve this: " + String.join(" ", Q).toUpperCase() + ". Show your work, step by step."),
                text("t1", "Write a poem about the sea."));
        List<DataRecord> kept = new ArrayList<>();
        List<DataRecord> removed = new ArrayList<>();
        DecontaminationReport r = run(decon(0.5, 8), training, kept, removed);
        assertEquals(List.of("t1"), ids(kept));
        assertEquals(List.of("t0"), ids(removed));
        assertEquals(List.of(new DecontaminationReport.Match("gsm8k", 1, "g1", "t0", 1.0)), r.matches());
        assertEquals(2, r.read());
    }

    @Test
    void sharingOnlySevenGramsIsNotContamination() {
        // Every shared run is 7 words long: no 8-gram in common, so nothing is covered at n = 8.
        String t = words(0, 7) + " banana " + words(7, 14) + " cherry " + words(14, 16);
        List<DataRecord> training = List.of(text("t", t));
        assertEquals(1, run(decon(0.5, 8), training, new ArrayList<>(), new ArrayList<>()).kept());
        // The same record at n = 7 covers 14 of 16 tokens: the test above is not passing by accident.
        DecontaminationReport at7 = run(decon(0.5, 7), training, new ArrayList<>(), new ArrayList<>());
        assertEquals(1, at7.removed());
        assertEquals(14.0 / 16, at7.matches().get(0).coverage(), 1e-12);
    }

    @Test
    void coverageMustExceedTheThreshold() {
        Decontaminator d = decon(0.5, 8);
        // 8 of 16 tokens covered: exactly 0.5, not above it.
        List<DataRecord> half = List.of(text("half", "intro " + words(0, 8) + " outro"));
        List<DataRecord> more = List.of(text("more", "intro " + words(0, 9) + " outro"));
        assertEquals(0, run(d, half, new ArrayList<>(), new ArrayList<>()).removed());
        DecontaminationReport r = run(d, more, new ArrayList<>(), new ArrayList<>());
        assertEquals(1, r.removed());
        assertEquals(9.0 / 16, r.matches().get(0).coverage(), 1e-12);
        assertEquals(0, run(decon(0.6, 8), more, new ArrayList<>(), new ArrayList<>()).removed());
        // Two separate 8-word windows count their union of covered tokens.
        List<DataRecord> split = List.of(text("split", words(0, 8) + " and later " + words(8, 16)));
        assertEquals(1.0, run(d, split, new ArrayList<>(), new ArrayList<>()).matches().get(0).coverage(), 1e-12);
    }

    @Test
    void shortEvalItemsMatchAsAWhole() {
        List<DataRecord> training = List.of(text("t0", "Tell me: what is the CAPITAL of peru?"),
                text("t1", "Capital of France"));
        DecontaminationReport r = run(decon(0.5, 8), training, new ArrayList<>(), new ArrayList<>());
        assertEquals(List.of(new DecontaminationReport.Match("tiny", 0, "tiny#0", "t0", 1.0)), r.matches());
    }

    @Test
    void answersAreCheckedOnlyWhenAskedTo() {
        DataRecord chat = DataRecord.of(new Payload.Chat(Conversation.of(
                Message.user("Give me a practice problem."),
                Message.assistant(String.join(" ", Q))))).withId("c");
        assertEquals(0, run(decon(0.5, 8), List.of(chat), new ArrayList<>(), new ArrayList<>()).removed());
        Decontaminator full = Decontaminator.builder().includeFullText(true)
                .evalTexts("gsm8k", List.of(String.join(" ", Q))).build();
        assertEquals(1, run(full, List.of(chat), new ArrayList<>(), new ArrayList<>()).removed());
    }

    @Test
    void configurationErrorsAreReported() {
        assertThrows(IllegalStateException.class, () -> Decontaminator.builder().build());
        assertThrows(IllegalArgumentException.class,
                () -> Decontaminator.builder().evalTexts("a", List.of("x")).evalTexts("a", List.of("y")));
    }
}
