package dev.distillery.judges.reward;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real all-MiniLM-L6-v2 behind a memo, shared by the test classes: embedding costs CPU on a shared two-core
 * machine, and the tests embed the same few hundred texts many times. Counts the texts really embedded so tests
 * can check batching and caching behaviour.
 */
final class CachingEmbeddingModel implements EmbeddingModel {

    static final CachingEmbeddingModel MINI_LM = new CachingEmbeddingModel(Embedder.miniLm().model());
    /** The shared cached MiniLM under the default embedder id, so heads it trains load with {@code Embedder.miniLm()}. */
    static final Embedder EMBEDDER = new Embedder(Embedder.MINI_LM_ID, MINI_LM);

    private final EmbeddingModel delegate;
    private final Map<String, Embedding> cache = new ConcurrentHashMap<>();

    CachingEmbeddingModel(EmbeddingModel delegate) {
        this.delegate = delegate;
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<TextSegment> missing = new ArrayList<>();
        for (TextSegment s : segments) if (!cache.containsKey(s.text())) missing.add(s);
        if (!missing.isEmpty()) {
            List<Embedding> fresh = delegate.embedAll(missing).content();
            for (int i = 0; i < missing.size(); i++) cache.put(missing.get(i).text(), fresh.get(i));
        }
        List<Embedding> out = new ArrayList<>(segments.size());
        for (TextSegment s : segments) out.add(cache.get(s.text()));
        return Response.from(out);
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }
}
