package dev.distillery.orchestrator.runs;

import dev.distillery.orchestrator.store.Counters;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The live progress block: stage lines from counters, and the ANSI frames that redraw them in place. */
class LiveDisplayTest {

    private static final String E = "\u001b[";

    @Test
    void aRunningStageShowsCountsRateEtaTokensAndCost() {
        Counters c = new Counters(1_200, 1_150, 0, 50, 240_000, 61_000, 1_234_567);
        // 1,200 of 4,000 inputs at 40/s: 2,800 left, 70 s.
        var s = new LiveDisplay.StageLine("answers", "running", c, 40, 38.3, 4_000, -1, null);
        assertEquals("answers  running   in 1,200/4,000  out 1,150  dead 50  40.0/s  eta 1m10s  301,000 tokens  $1.2346",
                LiveDisplay.line(8, s));
    }

    @Test
    void aTargetTakesTheEtaFromTheOutputRate() {
        Counters c = new Counters(900, 300, 600, 0, 0, 0, 0);
        // 300 of 1,000 kept at 2.5/s: 700 left, 280 s, though the input count is unknown.
        var s = new LiveDisplay.StageLine("kept", "running", c, 7.5, 2.5, -1, 1_000, null);
        assertEquals("kept running   in 900  out 300/1,000  rejected 600  7.5/s  eta 4m40s", LiveDisplay.line(4, s));
    }

    @Test
    void pendingFinishedAndTrainingStagesShowWhatTheyHave() {
        assertEquals("export pending", LiveDisplay.line(6, new LiveDisplay.StageLine("export", "pending", Counters.ZERO,
                0, 0, -1, -1, null)));
        // A finished stage shows no rate or ETA even when its last rate is known.
        assertEquals("seeds  done      in 4,000  out 4,000", LiveDisplay.line(6, new LiveDisplay.StageLine("seeds", "done",
                new Counters(4_000, 4_000, 0, 0, 0, 0, 0), 900, 900, -1, -1, null)));
        assertEquals("sft    running   step 120, loss 0.8123", LiveDisplay.line(6, new LiveDisplay.StageLine("sft",
                "running", Counters.ZERO, 0, 0, 10, -1, "step 120, loss 0.8123")));
        // Nothing moved yet: no ETA rather than an infinite one.
        assertEquals(-1, LiveDisplay.etaSeconds(new LiveDisplay.StageLine("x", "running", Counters.ZERO, 0, 0, 10, -1, null)));
        assertEquals("2h00m", LiveDisplay.duration(7200));
        assertEquals("59s", LiveDisplay.duration(59));
    }

    @Test
    void framesRedrawTheBlockInPlaceAndMessagesGoAboveIt() {
        LiveDisplay d = new LiveDisplay(100);
        String clear = "\r" + E + "2K";
        // The first frame has nothing to move over.
        assertEquals(clear + "a 1\n" + clear + "b 1\n", d.frame(List.of("a 1", "b 1")));
        // The next moves up two rows and overwrites both.
        assertEquals(E + "2A" + clear + "a 2\n" + clear + "b 2\n", d.frame(List.of("a 2", "b 2")));
        // A message takes the block's first row and the block is drawn again below it.
        assertEquals(E + "2A" + clear + "[a] done\n" + clear + "a 3\n" + clear + "b 3\n",
                d.message("[a] done", List.of("a 3", "b 3")));
        assertEquals(E + "2A" + clear + "a 4\n" + clear + "b 4\n", d.frame(List.of("a 4", "b 4")));
        // A shorter block clears the rows left over and comes back up to its end.
        assertEquals(E + "2A" + clear + "a 5\n" + clear + "\n" + E + "1A", d.frame(List.of("a 5")));
        assertEquals(E + "1A" + clear + "a 6\n", d.frame(List.of("a 6")));
    }

    @Test
    void linesAreCutToTheTerminalWidthSoTheyNeverWrap() {
        LiveDisplay d = new LiveDisplay(20);
        String frame = d.frame(List.of("x".repeat(50)));
        assertEquals("\r" + E + "2K" + "x".repeat(19) + "\n", frame);
    }

    @Test
    void plainOutputIsChosenForPlainNoColorAndDumbTerminals() {
        // Under the test runner stdout is not a terminal, so every answer is false; the options decide first.
        assertFalse(Progress.liveTerminal(true, Map.of("TERM", "xterm-256color")));
        assertFalse(Progress.liveTerminal(false, Map.of("TERM", "xterm-256color", "NO_COLOR", "1")));
        assertFalse(Progress.liveTerminal(false, Map.of("TERM", "dumb")));
        assertFalse(Progress.liveTerminal(false, Map.of()));
        assertFalse(Progress.liveTerminal(false, Map.of("TERM", "xterm-256color")), "stdout is a pipe here");
        assertEquals(132, Progress.terminalWidth(Map.of("COLUMNS", "132")));
        assertEquals(100, Progress.terminalWidth(Map.of("COLUMNS", "wide")));
    }
}
