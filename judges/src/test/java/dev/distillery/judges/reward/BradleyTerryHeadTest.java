package dev.distillery.judges.reward;

import dev.distillery.judges.spi.PairInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BradleyTerryHeadTest {

    @TempDir
    Path dir;

    private static RewardModel trained() {
        return RewardModelTrainer.builder().embedder(CachingEmbeddingModel.EMBEDDER).build()
                .train(TopicCorpus.training(40, 1));
    }

    @Test
    void saveAndLoadGiveBitIdenticalScores() throws IOException {
        RewardModel model = trained();
        Path file = dir.resolve("heads/rm.json");
        model.save(file);
        assertTrue(Files.size(file) < 40_000, "a small file: " + Files.size(file) + " bytes");

        RewardModel loaded = RewardModel.load(file, CachingEmbeddingModel.EMBEDDER);
        BradleyTerryHead a = model.head(), b = loaded.head();
        assertArrayEquals(a.weights(), b.weights(), 0.0);
        assertEquals(a.embedder(), b.embedder());
        assertEquals(a.features(), b.features());
        assertEquals(a.lambda(), b.lambda());
        assertEquals(a.training(), b.training());

        List<PairInput> pairs = TopicCorpus.heldOut(30, 7).stream()
                .map(p -> new PairInput(p.prompt(), p.chosen(), p.rejected(), null)).toList();
        assertArrayEquals(model.preferences(pairs), loaded.preferences(pairs), 0.0);
    }

    @Test
    void loadingForAnotherEmbedderNamesTheFieldAndFile() {
        Path file = dir.resolve("rm.json");
        trained().save(file);
        var other = new Embedder("bge-small", CachingEmbeddingModel.MINI_LM);
        var e = assertThrows(HeadFileException.class, () -> RewardModel.load(file, other));
        assertEquals("embedder", e.field());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("all-minilm-l6-v2")
                && e.getMessage().contains("bge-small"), e.getMessage());
    }

    @Test
    void brokenHeadFilesGiveClearErrors() throws IOException {
        Path file = dir.resolve("rm.json");
        trained().save(file);
        String good = Files.readString(file);

        expectError(good.replace("\"distillery-bt-head\"", "\"something-else\""), "format");
        expectError(good.replace("\"formatVersion\" : 1", "\"formatVersion\" : 7"), "formatVersion");
        expectError(good.replace("\"dimension\" : 384", "\"dimension\" : 385"), "dimension");
        expectError(good.replace("\"features\" : \"joint\"", "\"features\" : \"mystery\""), "features");
        expectError(good.replaceFirst("\"weights\" : \\[ [-0-9.Ee]+,", "\"weights\" : [ \"x\","), "weights[0]");
        expectError(good.replaceFirst("\"weights\" : \\[ [-0-9.Ee]+,", "\"weights\" : ["), "weights");
        expectError(good.replace("\"embedder\" : \"all-minilm-l6-v2\",", ""), "embedder");
        expectError("[1, 2]", null);
        expectError("{ not json", null);

        var missing = assertThrows(HeadFileException.class, () -> BradleyTerryHead.load(dir.resolve("absent.json")));
        assertTrue(missing.getMessage().contains("absent.json") && missing.getMessage().contains("no such head file"));
    }

    private void expectError(String content, String field) throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, content);
        var e = assertThrows(HeadFileException.class, () -> BradleyTerryHead.load(bad), "field " + field);
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
        if (field != null) assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
    }
}
