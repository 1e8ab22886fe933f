package dev.distillery.generators.flows;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.FlowRunner;
import dev.distillery.generators.flow.Flows;
import dev.distillery.generators.flow.RunReport;
import dev.distillery.generators.flow.ScriptedChatModel;
import dev.distillery.generators.source.SeedDocuments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three AgentInstruct flows chained on seed documents, as a pipeline would run them: lineage survives every stage. */
class AgentInstructPipelineTest {

    @Test
    void documentsBecomeRefinedInstructionPairsThatStillNameTheirDocument(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("reef.md"), "# Reefs\nCoral reefs cover under 1% of the ocean floor.\n\n# Life\n"
                + "They shelter about a quarter of marine species.");
        Files.writeString(dir.resolve("bees.txt"), "Bees dance to show where flowers are.");
        ScriptedChatModel teacher = ScriptedChatModel.answering(p -> {
            if (p.contains("Rewrite the content below")) return "{\"text\": \"Speaker A and B debate: " + p.length() + "\"}";
            if (p.contains("You write training tasks")) return "{\"task\": \"What does the text claim?\", \"answer\": \"It claims X.\"}";
            if (p.contains("You are the suggester")) return "{\"suggestions\": [\"Ask for evidence too.\"]}";
            return "{\"task\": \"What does the text claim, and on what evidence?\", \"answer\": \"X, because Y.\"}";
        });
        List<DataRecord> seeds = new ArrayList<>();
        SeedDocuments source = SeedDocuments.builder(dir).include("*.md", "*.txt").chunk(60, 0).build();
        try (var it = source.open()) {
            it.forEachRemaining(seeds::add);
        }
        assertEquals(3, seeds.size(), "two Markdown sections and one text file");

        List<DataRecord> transformed = stage("content-transformation", teacher, seeds);
        List<DataRecord> pairs = stage("seed-instructions", teacher, transformed);
        List<DataRecord> refined = stage("instruction-refinement", teacher, pairs);

        assertEquals(3, transformed.size());
        assertEquals(6, pairs.size(), "two task types per document by default");
        assertEquals(6, refined.size());
        Set<String> documents = new HashSet<>(seeds.stream().map(r -> r.lineage().seedDocumentId()).toList());
        assertEquals(2, documents.size());
        for (DataRecord r : refined) {
            assertTrue(documents.contains(r.lineage().seedDocumentId()), "refined pairs still name their seed document");
            assertEquals("instruction-refinement", r.lineage().flow());
            assertEquals("What does the text claim, and on what evidence?",
                    ((Payload.Chat) r.payload()).messages().messages().getFirst().content());
        }
    }

    private static List<DataRecord> stage(String flow, ScriptedChatModel teacher, List<DataRecord> in) {
        List<DataRecord> out = new ArrayList<>();
        RunReport r = FlowRunner.builder(Flows.named(flow)).model("teacher", teacher).stage(flow).build()
                .run(RecordSource.of(in), RecordSink.into(out));
        assertEquals(0, r.progress().deadLettered(), flow + ": " + r);
        return out;
    }
}
