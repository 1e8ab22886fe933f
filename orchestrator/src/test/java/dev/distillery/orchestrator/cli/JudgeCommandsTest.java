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
}
