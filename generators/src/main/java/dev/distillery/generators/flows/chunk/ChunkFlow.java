package dev.distillery.generators.flows.chunk;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.Emitter;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConfigException;
import dev.distillery.generators.flow.FlowContext;
import dev.distillery.generators.flow.FlowParameter;
import dev.distillery.generators.flow.FlowSettings;
import dev.distillery.generators.flow.FlowSignature;
import dev.distillery.generators.source.Chunker;
import dev.distillery.generators.template.TemplateSpec;

import java.util.List;
import java.util.Locale;

/**
 * Splits document records into chunks, calling no model: the step between a document source and content
 * transformation when documents arrive as records rather than files (see {@code SeedDocuments} for files).
 *
 * <pre>{@code FlowRunner.builder(new ChunkFlow()).setting("max-chars", 1500).build().run(documents, chunks)}</pre>
 */
public final class ChunkFlow implements Flow {

    public static final String NAME = "chunk";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Splits documents into chunks along paragraphs, Markdown sections or top-level code blocks (no model)";
    }

    @Override
    public FlowSignature signature() {
        return new FlowSignature(List.of("text"), List.of("chunk"), List.of());
    }

    @Override
    public List<FlowParameter> parameters() {
        return List.of(
                FlowParameter.integer("max-chars", "largest chunk, in characters", 2000),
                FlowParameter.integer("overlap", "characters of whole lines repeated from the previous chunk", 200),
                FlowParameter.choice("mode", "how blocks are found; auto uses the source path's extension, else Markdown headings",
                        "auto", List.of("auto", "text", "markdown", "code")));
    }

    @Override
    public void check(FlowSettings s) {
        try {
            new Chunker(s.integer("max-chars"), s.integer("overlap"));
        } catch (IllegalArgumentException e) {
            throw new FlowConfigException("flow '" + NAME + "': " + e.getMessage());
        }
    }

    @Override
    public List<TemplateSpec> templates() {
        return List.of();
    }

    @Override
    public void process(List<DataRecord> batch, FlowContext ctx, Emitter out) {
        Chunker chunker = new Chunker(ctx.settings().integer("max-chars"), ctx.settings().integer("overlap"));
        for (DataRecord doc : batch) {
            String text = doc.payload().text();
            List<Chunker.Chunk> chunks = chunker.chunk(text, mode(ctx.settings().string("mode"), doc));
            if (chunks.isEmpty()) {
                out.filtered(doc.id(), List.of(doc.id()), "chunk", "the document is blank");
                continue;
            }
            String seed = doc.lineage().seedDocumentId() != null ? doc.lineage().seedDocumentId() : doc.id();
            for (Chunker.Chunk c : chunks) {
                out.output(ctx.output(new Payload.Text(c.text())).kind("chunk").step("chunk").parents(doc)
                        .seedDocument(seed).variant(c.index()).build());
            }
        }
    }

    private static Chunker.Mode mode(String setting, DataRecord doc) {
        if (!setting.equals("auto")) return Chunker.Mode.valueOf(setting.toUpperCase(Locale.ROOT));
        if (doc.source() != null && doc.source().fields().path("path").isTextual()) {
            return Chunker.Mode.forFileName(doc.source().fields().path("path").asText());
        }
        return doc.payload().text().lines().anyMatch(l -> l.matches("#{1,6}\\s.*")) ? Chunker.Mode.MARKDOWN : Chunker.Mode.TEXT;
    }
}
