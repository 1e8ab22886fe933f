package dev.distillery.orchestrator.plugins;

import dev.distillery.datasets.spi.PluginJarBuilder;
import dev.distillery.generators.flow.Flow;

import java.nio.file.Path;

/** A real plugin jar for the orchestrator's tests: the model-less flow {@code tag}, prefixing each text with a version. */
public final class TagFlowJar {
    private TagFlowJar() {
    }

    /** Compiles the flow with {@code version} in its description and output, and writes (or rewrites) {@code jar}. */
    public static Path write(Path jar, String version) {
        return PluginJarBuilder.create().source("tag.TagFlow", """
                package tag;
                import dev.distillery.datasets.model.DataRecord;
                import dev.distillery.datasets.model.Payload;
                import dev.distillery.generators.flow.*;
                import dev.distillery.generators.template.TemplateSpec;
                import java.util.List;
                public final class TagFlow extends PerRecordFlow {
                    public String name() { return "tag"; }
                    public String description() { return "tags each text with %1$s"; }
                    public FlowSignature signature() { return new FlowSignature(List.of("text"), List.of("text"), List.of()); }
                    public List<FlowParameter> parameters() { return List.of(); }
                    public List<TemplateSpec> templates() { return List.of(); }
                    protected void processOne(DataRecord in, FlowContext ctx, Emitter out) {
                        out.output(ctx.output(new Payload.Text("[%1$s] " + in.payload().text())).kind("text").step("tag")
                                .parents(in).build());
                    }
                }
                """.formatted(version)).service(Flow.class, "tag.TagFlow").writeTo(jar);
    }
}
