package dev.distillery.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.store.Manifest;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the real CLI commands end to end on files in a temporary directory. */
@QuarkusMainTest
class DatasetCommandsTest {

    @TempDir
    Path tmp;

    private Path write(String name, String... lines) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    private static String alpaca(String instruction, String output) {
        return Json.string(Json.object().put("instruction", instruction).put("input", "").put("output", output));
    }

    @Test
    void helpListsEveryDatasetCommandWithExamples(QuarkusMainLauncher launcher) {
        LaunchResult top = launcher.launch("--help");
        assertEquals(0, top.exitCode());
        assertTrue(top.getOutput().contains("dataset"), top.getOutput());
        LaunchResult ds = launcher.launch("dataset", "--help");
        for (String cmd : List.of("stats", "convert", "dedup", "decontaminate", "split", "repair", "formats")) {
            assertTrue(ds.getOutput().contains(cmd), cmd + " missing in: " + ds.getOutput());
            LaunchResult sub = launcher.launch("dataset", cmd, "--help");
            assertEquals(0, sub.exitCode(), cmd);
            assertTrue(sub.getOutput().contains("Examples:"), cmd + " --help has no examples");
        }
    }

    @Test
    void convertRoundTripsAlpacaThroughADatasetLosslessly(QuarkusMainLauncher launcher) throws IOException {
        Path in = write("in.jsonl", alpaca("Say hi", "hi"), alpaca("Add 2 and 3", "5"),
                Json.string(Json.object().put("instruction", "Sum").put("input", "1 2").put("output", "3")));
        Path ds = tmp.resolve("ds");
        LaunchResult r = launcher.launch("dataset", "convert", in.toString(), "--to", "distillery", "-o", ds.toString());
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertTrue(r.getOutput().contains("converted 3 of 3 records"), r.getOutput());
        assertTrue(r.getOutput().contains("(alpaca)"), "format detected: " + r.getOutput());
        assertEquals(3, Manifest.read(ds).records());

        Path back = tmp.resolve("back.jsonl");
        r = launcher.launch("dataset", "convert", ds.toString(), "--to", "alpaca", "-o", back.toString());
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertEquals(trees(in), trees(back));

        // To a format without source fields: said once, with a count.
        Path trl = tmp.resolve("trl.jsonl");
        r = launcher.launch("dataset", "convert", ds.toString(), "--to", "trl-messages", "-o", trl.toString());
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertTrue(r.getOutput().contains("note: trl-messages does not carry source fields of alpaca rows (3 records)"),
                r.getOutput());
        assertTrue(Files.readString(trl).contains("\"role\":\"user\",\"content\":\"Sum\\n1 2\""));
    }

    @Test
    void aShapeTheTargetCannotHoldStopsOrIsSetAside(QuarkusMainLauncher launcher) throws IOException {
        Path in = write("chat.jsonl", alpaca("Say hi", "hi"));
        Path out = tmp.resolve("dpo.jsonl");
        LaunchResult r = launcher.launch("dataset", "convert", in.toString(), "--to", "trl-dpo", "-o", out.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.getErrorOutput().contains("trl-dpo cannot carry a 'chat' record"), r.getErrorOutput());
        assertFalse(Files.exists(out), "no partial output is published");
        r = launcher.launch("dataset", "convert", in.toString(), "--to", "trl-dpo", "-o", out.toString(), "--skip-invalid");
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertTrue(r.getOutput().contains("set aside 1 record(s)"), r.getOutput());
        assertTrue(Files.exists(tmp.resolve("dpo.unconverted.jsonl")));
    }

    @Test
    void badInputNamesFileLineAndFieldAndExitsNonZero(QuarkusMainLauncher launcher) throws IOException {
        Path in = write("bad.jsonl",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"yo\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"wizard\",\"content\":\"yo\"}]}",
                "{\"messages\": [",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"ok\"},{\"role\":\"assistant\",\"content\":\"fine\"}]}");
        LaunchResult r = launcher.launch("dataset", "stats", in.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.getErrorOutput().contains(in + ":2: field 'messages[1].role'"), r.getErrorOutput());

        Path rejects = tmp.resolve("rej.jsonl");
        r = launcher.launch("dataset", "stats", in.toString(), "--skip-invalid", "--rejects", rejects.toString());
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertTrue(r.getOutput().contains("records: 2"), r.getOutput());
        assertTrue(r.getOutput().contains("rejected 2 invalid line(s)"), r.getOutput());
        List<String> lines = Files.readAllLines(rejects);
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).contains("\"line\":3"), lines.get(1));

        LaunchResult unknown = launcher.launch("dataset", "convert", in.toString(), "--to", "sharegtp", "-o",
                tmp.resolve("x.jsonl").toString());
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.getErrorOutput().contains("did you mean 'sharegpt'"), unknown.getErrorOutput());

        Path empty = write("empty.jsonl");
        Files.writeString(empty, "");
        LaunchResult e = launcher.launch("dataset", "stats", empty.toString());
        assertEquals(1, e.exitCode());
        assertTrue(e.getErrorOutput().contains("empty file"), e.getErrorOutput());

        Path noManifest = Files.createDirectories(tmp.resolve("plain-dir"));
        LaunchResult d = launcher.launch("dataset", "stats", noManifest.toString());
        assertEquals(1, d.exitCode());
        assertTrue(d.getErrorOutput().contains("not a dataset directory"), d.getErrorOutput());
    }

    @Test
    void dedupDecontaminateAndSplitReportWhatTheyDid(QuarkusMainLauncher launcher) throws IOException {
        String eval = "Natalia sold clips to 48 of her friends in April and then she sold half as many in May";
        Path in = write("train.jsonl",
                alpaca("Explain photosynthesis in plants.", "Plants turn light into sugar."),
                alpaca("EXPLAIN photosynthesis in plants!!", "plants turn light into sugar"),
                alpaca(eval + ". How many clips in total?", "72"),
                alpaca("Name a prime number.", "7"),
                alpaca("Name an even number.", "8"));
        Path evalFile = write("eval.jsonl", Json.string(Json.object().put("text", eval)));

        Path dedup = tmp.resolve("dedup.jsonl");
        LaunchResult r = launcher.launch("dataset", "dedup", in.toString(), "-o", dedup.toString());
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertTrue(r.getOutput().contains("read 5, kept 4, removed 1"), r.getOutput());
        LaunchResult byPrompt = launcher.launch("dataset", "dedup", in.toString(), "-o", tmp.resolve("p.jsonl").toString(),
                "--key", "prompt", "--mode", "minhash");
        assertEquals(0, byPrompt.exitCode(), byPrompt.getErrorOutput());
        assertTrue(byPrompt.getOutput().contains("read 5, kept 4, removed 1 near-duplicates"), byPrompt.getOutput());

        Path clean = tmp.resolve("clean.jsonl");
        r = launcher.launch("dataset", "decontaminate", dedup.toString(), "--against", evalFile.toString(),
                "-o", clean.toString());
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertTrue(r.getOutput().contains("read 4, kept 3, removed 1"), r.getOutput());
        JsonNode report = Json.MAPPER.readTree(tmp.resolve("clean.contamination.json").toFile());
        assertEquals(1, report.get("matches").size());
        assertEquals(0, report.get("matches").get(0).get("evalIndex").asInt());
        assertEquals(3, Files.readAllLines(clean).size());

        Path splits = tmp.resolve("splits");
        r = launcher.launch("dataset", "split", clean.toString(), "-o", splits.toString(), "--ratios", "0.67,0.33",
                "--seed", "3");
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertEquals(2, Files.readAllLines(splits.resolve("train.jsonl")).size());
        assertEquals(1, Files.readAllLines(splits.resolve("test.jsonl")).size());

        LaunchResult bad = launcher.launch("dataset", "split", clean.toString(), "-o", tmp.resolve("s2").toString(),
                "--ratios", "0.5,0.4");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.getErrorOutput().contains("0.9"), bad.getErrorOutput());
    }

    @Test
    void statsJsonIsMachineReadable(QuarkusMainLauncher launcher) throws IOException {
        Path in = write("in.jsonl", alpaca("a b c", "d e"), alpaca("f g", "h"));
        LaunchResult r = launcher.launch("dataset", "stats", in.toString(), "--json");
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        JsonNode stats = Json.MAPPER.readTree(r.getOutput());
        assertEquals(2, stats.get("records").asInt());
        assertEquals("alpaca", stats.get("format").asText());
    }

    private static List<JsonNode> trees(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> {
            try {
                return Json.MAPPER.readTree(l);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }
}
