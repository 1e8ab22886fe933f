package dev.distillery.generators.flow;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.spi.PluginFolder;
import dev.distillery.datasets.spi.PluginJarBuilder;
import dev.distillery.datasets.spi.PluginOrigin;
import dev.distillery.datasets.spi.Plugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A flow plugin in a plugins directory, compiled into a real jar here: found by {@link Flows}, run with the prompt
 * template its jar carries, then rebuilt with other behaviour and another template and picked up on refresh.
 */
class FlowPluginReloadTest {

    @TempDir
    Path tmp;

    @AfterEach
    void forgetTheDirectory() {
        Plugins.use((PluginFolder) null);
    }

    /** A model-less flow that renders its jar's "label" template around each text, optionally reversed. */
    private static Path labelFlow(Path jar, String template, boolean reverse) {
        return PluginJarBuilder.create().source("label.LabelFlow", """
                package label;
                import dev.distillery.datasets.model.DataRecord;
                import dev.distillery.datasets.model.Payload;
                import dev.distillery.generators.flow.*;
                import dev.distillery.generators.template.PromptTemplate;
                import dev.distillery.generators.template.TemplateSpec;
                import java.util.List;
                import java.util.Map;
                public final class LabelFlow extends PerRecordFlow {
                    public String name() { return "label"; }
                    public String description() { return "labels each text (reverse=%s)"; }
                    public FlowSignature signature() { return new FlowSignature(List.of("text"), List.of("text"), List.of()); }
                    public List<FlowParameter> parameters() { return List.of(); }
                    public List<TemplateSpec> templates() { return List.of(new TemplateSpec("label", Map.of("text", "x"))); }
                    protected void processOne(DataRecord in, FlowContext ctx, Emitter out) {
                        String text = in.payload().text();
                        if (%s) text = new StringBuilder(text).reverse().toString();
                        PromptTemplate t = ctx.template("label");
                        out.output(ctx.output(new Payload.Text(t.render(Map.of("text", text)).strip()))
                                .kind("text").step("label").parents(in).template(t).build());
                    }
                }
                """.formatted(reverse, reverse))
                .service(Flow.class, "label.LabelFlow")
                .resource("dev/distillery/generators/templates/label/label.jinja", template)
                .writeTo(jar);
    }

    private static List<String> run(String... texts) {
        List<DataRecord> in = new ArrayList<>();
        for (String t : texts) in.add(DataRecord.of(new Payload.Text(t)));
        List<DataRecord> out = new ArrayList<>();
        FlowRunner.builder(Flows.named("label")).build().run(RecordSource.of(in), RecordSink.into(out));
        return out.stream().map(r -> r.payload().text()).toList();
    }

    @Test
    void aFlowInThePluginsDirectoryRunsAndARebuiltJarReplacesIt() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path jar = labelFlow(dir.resolve("label.jar"), "[v1] {{ text }}", false);
        assertThrows(FlowConfigException.class, () -> Flows.named("label"));

        Plugins.use(dir);
        Flow flow = Flows.named("label");
        assertEquals(PluginOrigin.Kind.PLUGINS_DIR, Plugins.origin(Flow.class, flow).kind());
        assertEquals(jar.toString(), Plugins.origin(Flow.class, flow).location());
        assertEquals(PluginOrigin.Kind.BUILT_IN, Plugins.origin(Flow.class, Flows.named("responses")).kind());
        assertEquals(List.of("[v1] abc", "[v1] tide"), run("abc", "tide"), "the template comes from the plugin's jar");

        labelFlow(jar, "<v2> {{ text }}", true);
        assertEquals(List.of("[v1] abc"), run("abc"), "no refresh yet: the loaded version stays");
        assertTrue(Plugins.refresh());
        assertEquals("labels each text (reverse=true)", Flows.named("label").description());
        assertEquals(List.of("<v2> cba", "<v2> edit"), run("abc", "tide"), "new code and new template");
        assertFalse(Plugins.refresh());
        // The flow object handed out before the reload still works with its own classes and template.
        List<DataRecord> out = new ArrayList<>();
        FlowRunner.builder(flow).build().run(RecordSource.of(List.of(DataRecord.of(new Payload.Text("old")))), RecordSink.into(out));
        assertEquals("[v1] old", out.getFirst().payload().text());
    }
}
