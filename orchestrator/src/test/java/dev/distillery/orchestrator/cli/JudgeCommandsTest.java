package dev.distillery.orchestrator.cli;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The judge and plugins commands end to end, with model-free judges (verifiers). */
@QuarkusMainTest
class JudgeCommandsTest {

    @TempDir
    Path tmp;

    @Test
    void pluginsListsFlowsJudgesStagesAndFormats(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("plugins");
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        String out = r.getOutput();
        for (String name : new String[] {"self-instruct", "evol-instruct", "responses", "single-grade", "pairwise",
                "numeric", "java-tests", "refusal-filter", "select-pairs", "trl-messages"}) {
            assertTrue(out.contains(name), name + " missing from\n" + out);
        }
        LaunchResult bad = launcher.launch("plugins", "--section", "judge");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.getErrorOutput().contains("expected flows, judges, stages or formats"), bad.getErrorOutput());
    }

    @Test
    void judgeRunScoresRecordsAndReportComparesTwoJudges(QuarkusMainLauncher launcher) throws IOException {
        Path data = tmp.resolve("answers.jsonl");
        // Eight GSM8K-style answers: three are wrong, and one has no reference, so no verdict can be drawn for it (a
        // recorded failure, not a score).
        StringBuilder rows = new StringBuilder();
        String[][] items = {{"2+2?", "It is 4.", "4"}, {"3+5?", "#### 8", "8"}, {"10-7?", "3", "3"},
                {"6*7?", "The answer is 41.", "42"}, {"9+9?", "18", null}, {"1+1?", "2", "2"},
                {"5+5?", "ten", "10"}, {"8-2?", "I think 5", "6"}};
        for (String[] it : items) {
            rows.append("{\"prompt\":\"").append(it[0]).append("\",\"completion\":\"").append(it[1]).append('"');
            if (it[2] != null) rows.append(",\"reference\":\"").append(it[2]).append('"');
            rows.append("}\n");
        }
        Files.writeString(data, rows);
        Path numeric = tmp.resolve("numeric.yaml");
        Files.writeString(numeric, "judge: numeric\n");
        Path judged = tmp.resolve("judged.jsonl");
        LaunchResult r = launcher.launch("judge", "run", "--judge", numeric.toString(), "--data", data.toString(),
                "-o", judged.toString());
        assertEquals(0, r.exitCode(), r.getOutput() + r.getErrorOutput());
        assertTrue(r.getOutput().contains("judged 8 record(s): 7 scored, 1 failed"), r.getOutput());
        String failures = Files.readString(tmp.resolve("judged.jsonl.failures.jsonl"));
        assertEquals(1, failures.lines().count(), failures);
        assertTrue(failures.contains("no reference answer"), "the reason is kept: " + failures);

        // A second, stricter judge (exact match) on the same records, then the first judged against it.
        Path match = tmp.resolve("match.yaml");
        Files.writeString(match, "judge: match\nsettings: {normalisation: exact}\n");
        Path both = tmp.resolve("both.jsonl");
        LaunchResult r2 = launcher.launch("judge", "run", "--judge", match.toString(), "--data", judged.toString(),
                "-o", both.toString());
        assertEquals(0, r2.exitCode(), r2.getOutput() + r2.getErrorOutput());
        String line = Files.readAllLines(both).get(0);
        assertTrue(line.contains("\"numeric:auto\"") && line.contains("\"match"), line);

        // The report card of numeric against exact match, on the records both judged.
        var m = java.util.regex.Pattern.compile("\"(match[^\"]*)\"").matcher(line);
        assertTrue(m.find(), line);
        String matchName = m.group(1);
        Path judgedByBoth = tmp.resolve("judged-by-both.jsonl");
        Files.write(judgedByBoth, Files.readAllLines(both).stream().filter(l -> l.contains(matchName)).toList());
        Path plot = tmp.resolve("plot.json");
        LaunchResult rep = launcher.launch("judge", "report", "--data", judgedByBoth.toString(), "--judge", "numeric:auto",
                "--reference", matchName, "--resamples", "200", "--json", "--plot", plot.toString());
        assertEquals(0, rep.exitCode(), rep.getOutput() + rep.getErrorOutput());
        // numeric passes "It is 4.", "#### 8", "3" and "2"; exact match passes only "3" and "2"; both fail "41",
        // "ten" and "I think 5": they agree on 5 of the 7 items, accuracy 0.714.
        var card = dev.distillery.datasets.json.Json.MAPPER.readTree(rep.getOutput());
        assertEquals(7, card.path("items").asInt(), rep.getOutput());
        assertTrue(rep.getOutput().contains("0.714"), rep.getOutput());
        assertTrue(Files.size(plot) > 0);

        LaunchResult bad = launcher.launch("judge", "run", "--judge", tmp.resolve("nope.yaml").toString(),
                "--data", data.toString(), "-o", tmp.resolve("x.jsonl").toString());
        assertEquals(1, bad.exitCode());
        Path typo = tmp.resolve("typo.yaml");
        Files.writeString(typo, "judge: numerc\n");
        LaunchResult unknown = launcher.launch("judge", "run", "--judge", typo.toString(), "--data", data.toString(),
                "-o", tmp.resolve("y.jsonl").toString());
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.getErrorOutput().contains("did you mean 'numeric'"), unknown.getErrorOutput());
    }

    /** On-topic answers beat off-topic ones: a property the embedding head can learn from a few dozen pairs. */
    @Test
    void rewardModelTrainsOnPairsAndScoresHeldOutOnes(QuarkusMainLauncher launcher) throws IOException {
        String[][] topics = {
                {"Tell me about cats.", "Cats are small furry pets that purr and chase mice."},
                {"How do volcanoes work?", "Magma rises through the crust and erupts as lava and ash."},
                {"What is photosynthesis?", "Plants turn sunlight, water and carbon dioxide into sugar and oxygen."},
                {"Explain how a bicycle moves.", "Pedals turn the chain, which turns the rear wheel forward."},
                {"Why is the sea salty?", "Rivers carry dissolved minerals from rocks into the ocean."},
                {"How do bees make honey?", "Bees collect nectar, store it in combs and evaporate its water."},
                {"What causes rain?", "Water vapour cools, condenses into droplets and falls from clouds."},
                {"How does a refrigerator cool food?", "A compressor pumps refrigerant that absorbs heat inside."}};
        StringBuilder train = new StringBuilder(), held = new StringBuilder();
        for (int i = 0; i < topics.length; i++) {
            for (int k = 1; k <= 3; k++) {
                String offTopic = topics[(i + k) % topics.length][1];
                StringBuilder target = k < 3 ? train : held;
                target.append("{\"prompt\":\"").append(topics[i][0]).append("\",\"chosen\":\"").append(topics[i][1])
                        .append("\",\"rejected\":\"").append(offTopic).append("\"}\n");
            }
        }
        Path pairs = tmp.resolve("pairs.jsonl"), heldOut = tmp.resolve("held.jsonl"), head = tmp.resolve("head.json");
        Files.writeString(pairs, train);
        Files.writeString(heldOut, held);
        LaunchResult t = launcher.launch("rm", "train", "--pairs", pairs.toString(), "-o", head.toString());
        assertEquals(0, t.exitCode(), t.getOutput() + t.getErrorOutput());
        assertTrue(t.getOutput().contains("trained on 16 labelled pair(s)"), t.getOutput());
        Path scored = tmp.resolve("scored.jsonl");
        LaunchResult s = launcher.launch("rm", "score", "--head", head.toString(), "--data", heldOut.toString(),
                "-o", scored.toString());
        assertEquals(0, s.exitCode(), s.getOutput() + s.getErrorOutput());
        int right = 0;
        for (String line : Files.readAllLines(scored)) {
            var score = dev.distillery.datasets.json.Json.MAPPER.readTree(line).at("/scores/reward-model/value");
            assertTrue(score.isNumber(), line);
            if (score.asDouble() > 0.5) right++;
        }
        assertTrue(right >= 7, "held-out pairs ranked right: " + right + " of 8");
        LaunchResult bad = launcher.launch("rm", "train", "--pairs", tmp.resolve("judged-missing.jsonl").toString(),
                "-o", head.toString());
        assertEquals(1, bad.exitCode());
    }
}
