package dev.distillery.judges.reward;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeaturizerTest {

    /** Records every text the featurizer asks for, then answers with the real (cached) MiniLM. */
    private static final class Recording implements EmbeddingModel {
        final List<String> asked = new ArrayList<>();

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            segments.forEach(s -> asked.add(s.text()));
            return CachingEmbeddingModel.MINI_LM.embedAll(segments);
        }

        @Override
        public int dimension() {
            return 384;
        }
    }

    private static final List<PromptResponse> ITEMS = List.of(
            new PromptResponse("Why is the sky blue?", "Rayleigh scattering of sunlight."),
            new PromptResponse("Why is the sky blue?", "Bananas are rich in potassium."),
            new PromptResponse("How do I boil an egg?", "Rayleigh scattering of sunlight."));

    @Test
    void interactionLayoutIsResponseThenScaledElementwiseProduct() {
        var recording = new Recording();
        var f = new Featurizer(new Embedder("m", recording), FeatureLayout.RESPONSE_AND_INTERACTION);
        double[][] phi = f.features(ITEMS);
        // Two prompts and two responses: each distinct text embedded once.
        assertEquals(4, recording.asked.size(), recording.asked.toString());

        float[][] e = Embedder.miniLm().embed(List.of("Why is the sky blue?", "Rayleigh scattering of sunlight."));
        double scale = Math.sqrt(384);
        assertEquals(768, phi[0].length);
        for (int j = 0; j < 384; j++) {
            assertEquals(e[1][j], phi[0][j], 1e-6);
            assertEquals(scale * e[0][j] * e[1][j], phi[0][384 + j], 1e-6);
        }
        // Summing the interaction block gives √D · cos(prompt, response): relevance is linear in these features.
        double cos = 0, sum = 0;
        for (int j = 0; j < 384; j++) {
            cos += e[0][j] * e[1][j];
            sum += phi[0][384 + j];
        }
        assertEquals(scale * cos, sum, 1e-4);
    }

    @Test
    void jointLayoutEmbedsPromptAndResponseTogether() {
        var recording = new Recording();
        double[][] phi = new Featurizer(new Embedder("m", recording), FeatureLayout.JOINT).features(ITEMS);
        assertEquals(List.of("Why is the sky blue?\n\nRayleigh scattering of sunlight.",
                "Why is the sky blue?\n\nBananas are rich in potassium.",
                "How do I boil an egg?\n\nRayleigh scattering of sunlight."), recording.asked);
        double norm = 0;
        for (double x : phi[0]) norm += x * x;
        assertEquals(1.0, norm, 1e-5, "unit-length embedding");
    }

    @Test
    void blankTextIsAClearError() {
        var f = new Featurizer(new Embedder("m", new Recording()), FeatureLayout.RESPONSE_AND_INTERACTION);
        var e = assertThrows(IllegalArgumentException.class,
                () -> f.features(List.of(new PromptResponse("Why?", " "))));
        assertTrue(e.getMessage().contains("blank") && e.getMessage().contains("embedder m"), e.getMessage());
    }
}
