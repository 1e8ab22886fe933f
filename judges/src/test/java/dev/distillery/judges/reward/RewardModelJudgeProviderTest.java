package dev.distillery.judges.reward;

import dev.distillery.datasets.spi.Plugins;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.PairInput;
import dev.distillery.judges.spi.PairwiseVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RewardModelJudgeProviderTest {

    @TempDir
    Path dir;

    private static JudgeProvider provider() {
        return Plugins.load(JudgeProvider.class).stream().filter(p -> p.name().equals("reward-model")).findFirst()
                .orElseThrow(() -> new AssertionError("reward-model provider not registered"));
    }

    @Test
    void discoveredProviderLoadsAHeadFileAndJudges() {
        Path head = dir.resolve("rm.json");
        RewardModelTrainer.builder().embedder(CachingEmbeddingModel.EMBEDDER).build()
                .train(TopicCorpus.training(60, 1)).save(head);
        JudgeProvider provider = provider();
        assertEquals(JudgeProvider.Kind.PAIRWISE, provider.kind());

        var judge = provider.createPairwise(new JudgeConfig(Map.of("head", head.toString()), null, null, "pipeline.yaml"));
        assertEquals("reward-model:rm.json", judge.name());
        var p = TopicCorpus.heldOut(1, 3).get(0);
        var v = assertInstanceOf(PairwiseVerdict.Decided.class, judge.compare(new PairInput(p.prompt(), p.chosen(), p.rejected(), null)));
        assertEquals(PairwiseVerdict.Winner.FIRST, v.winner());
    }

    @Test
    void missingHeadSettingNamesTheSource() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> provider().createPairwise(new JudgeConfig(Map.of(), null, null, "pipeline.yaml: judges[2]")));
        assertTrue(e.getMessage().contains("pipeline.yaml: judges[2]") && e.getMessage().contains("'head'"), e.getMessage());
    }
}
