package dev.distillery.generators.flow;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.generators.model.DeadLetter;
import dev.distillery.generators.model.ModelCallException;
import dev.distillery.generators.template.PromptTemplates;
import dev.distillery.generators.template.TemplateException;
import dev.distillery.generators.template.TemplateSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conformance base every flow's test extends, built-in or plugin (it ships in the generators test-jar). A
 * subclass provides the flow, a few inputs and scripted models that answer in the requested format; the base runs
 * the flow end to end through {@link FlowRunner} and checks the contract:
 * <ul>
 *   <li>it describes itself (name, description, parameters with descriptions) and is found by {@link Flows};</li>
 *   <li>{@code validate} rejects unknown settings and ill-typed values;</li>
 *   <li>outputs carry lineage (flow, step, parents, template hash, models) and deterministic, unique ids;</li>
 *   <li>every input is accounted for: a parent of an output, a dead letter, or an explicit filter decision;</li>
 *   <li>a model that ignores the requested format yields MALFORMED_OUTPUT dead letters, not exceptions or gaps;</li>
 *   <li>a failing model yields dead letters of the failure's kind;</li>
 *   <li>a template that uses a variable the flow does not provide fails before any call, naming file and variable.</li>
 * </ul>
 *
 * <pre>{@code
 * class MyFlowTest extends FlowConformanceTest {
 *     protected Flow flow() { return new MyFlow(); }
 *     protected List<DataRecord> sampleInputs() { return List.of(DataRecord.of(new Payload.Text("Explain tides."))); }
 *     protected Map<String, ScriptedChatModel> wellBehavedModels() {
 *         return Map.of("teacher", ScriptedChatModel.answering(p -> "{\"answer\": \"the moon\"}"));
 *     }
 * }
 * }</pre>
 */
public abstract class FlowConformanceTest {

    /** The flow under test; a fresh instance per call is fine. */
    protected abstract Flow flow();

    /** A few inputs the flow accepts (3 to 6 is plenty). */
    protected abstract List<DataRecord> sampleInputs();

    /** Fresh models, by role, that answer in the format the flow asks for. Empty for flows that call no model. */
    protected abstract Map<String, ScriptedChatModel> wellBehavedModels();

    /** Settings for every run; defaults otherwise. */
    protected Map<String, Object> settings() {
        return Map.of();
    }

    /**
     * An answer that ignores the requested format. The default is prose without JSON; flows that ask for free text
     * are instead given truncated answers (see {@link #formatIgnoringModel()}), which are just as unusable.
     */
    protected ScriptedChatModel formatIgnoringModel() {
        return ScriptedChatModel.ignoringFormat("Sure! I'd be happy to help with that. Let me know if you need anything else.");
    }

    protected int batchSize() {
        return 2;
    }

    /** What one run did, seen through the runner's listener and sinks. */
    protected record Outcome(List<DataRecord> outputs, List<DeadLetter> deadLetters, List<FlowResult> results, RunReport report) {
        public Set<String> accountedIds() {
            return FlowRunner.accountedIds(results);
        }
    }

    protected Outcome run(Map<String, ? extends ScriptedChatModel> models) {
        FlowRunner.Builder b = FlowRunner.builder(flow()).settings(settings()).batchSize(batchSize()).concurrency(2);
        models.forEach(b::model);
        List<DataRecord> outputs = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        List<FlowResult> results = new ArrayList<>();
        RunReport report = b.deadLetters(DeadLetterSink.into(dead)).listener(new RunListener() {
            @Override
            public void onProgress(FlowProgress progress) {
            }

            @Override
            public void onResult(FlowResult result) {
                results.add(result);
            }
        }).build().run(RecordSource.of(sampleInputs()), RecordSink.into(outputs));
        return new Outcome(outputs, dead, results, report);
    }

    private boolean usesModels() {
        return !flow().signature().models().isEmpty();
    }

    private Map<String, ScriptedChatModel> allRoles(Supplier<ScriptedChatModel> model) {
        Map<String, ScriptedChatModel> m = new LinkedHashMap<>();
        for (String role : wellBehavedModels().keySet()) m.put(role, model.get());
        return m;
    }

    private void assertEveryInputAccountedFor(Outcome o) {
        Set<String> accounted = o.accountedIds();
        for (DataRecord in : sampleInputs()) {
            assertTrue(accounted.contains(in.id()), "input " + in.id() + " is neither a parent of an output, nor dead-lettered, "
                    + "nor filtered: it was silently dropped");
        }
        assertEquals(0, o.report().failedBatches(), "process() let an exception escape instead of emitting dead letters");
    }

    @Test
    void describesItself() {
        Flow f = flow();
        assertTrue(f.name().matches("[a-z][a-z0-9]*(-[a-z0-9]+)*"), "flow name must be kebab-case: " + f.name());
        assertFalse(f.description().isBlank(), "description");
        assertFalse(f.signature().inputTypes().isEmpty(), "declared input types");
        assertFalse(f.signature().outputKinds().isEmpty(), "declared output kinds");
        Set<String> names = new HashSet<>();
        for (FlowParameter p : f.parameters()) {
            assertTrue(p.name().matches("[a-z][a-z0-9]*(-[a-z0-9]+)*"), "parameter name must be kebab-case: " + p.name());
            assertFalse(p.description().isBlank(), "parameter " + p.name() + " has no description");
            assertTrue(names.add(p.name()), "duplicate parameter " + p.name());
        }
        for (FlowSignature.ModelRole r : f.signature().models()) assertFalse(r.description().isBlank(), "role " + r.name());
        PromptTemplates.builtIn().check(f.name(), f.templates());
        assertFalse(Flows.describe(f).isBlank());
    }

    @Test
    void isDiscoverableByName() {
        assertEquals(flow().getClass(), Flows.named(flow().name()).getClass(),
                "register the flow in META-INF/services/" + Flow.class.getName());
    }

    @Test
    void validateRejectsUnknownSettings() {
        Map<String, Object> bad = new LinkedHashMap<>(settings());
        bad.put("no-such-setting", 1);
        FlowConfigException e = assertThrows(FlowConfigException.class, () -> flow().validate(FlowSettings.of(bad)));
        assertTrue(e.getMessage().contains("no-such-setting"), e.getMessage());
        flow().validate(FlowSettings.of(settings()));
    }

    @Test
    void validateRejectsIllTypedValues() {
        for (FlowParameter p : flow().parameters()) {
            if (p.type() != FlowParameter.Type.INTEGER && p.type() != FlowParameter.Type.NUMBER && p.type() != FlowParameter.Type.BOOLEAN) continue;
            Map<String, Object> bad = new LinkedHashMap<>(settings());
            bad.put(p.name(), "not-a-value");
            FlowConfigException e = assertThrows(FlowConfigException.class, () -> flow().validate(FlowSettings.of(bad)));
            assertTrue(e.getMessage().contains(p.name()), e.getMessage());
        }
    }

    @Test
    void outputsCarryLineageAndEveryInputIsAccountedFor() {
        Outcome o = run(wellBehavedModels());
        assertFalse(o.outputs().isEmpty(), "a well-behaved model must yield outputs");
        assertTrue(o.deadLetters().isEmpty(), "unexpected dead letters: " + o.deadLetters());
        Set<String> ids = new HashSet<>();
        for (DataRecord r : o.outputs()) {
            assertTrue(ids.add(r.id()), "duplicate output id " + r.id());
            assertEquals(flow().name(), r.lineage().flow(), "lineage.flow");
            assertNotNull(r.lineage().step(), "lineage.step");
            assertFalse(r.lineage().parentIds().isEmpty(), "lineage.parentIds");
            assertTrue(flow().signature().outputKinds().contains(r.kind()), "undeclared output kind " + r.kind());
            if (flow().templates().isEmpty()) {
                assertNull(r.lineage().promptTemplateHash(), "no templates, yet a template hash");
            } else {
                assertNotNull(r.lineage().promptTemplateHash(), "lineage.promptTemplateHash");
                assertTrue(r.lineage().promptTemplateHash().matches("[0-9a-f]{12}"), r.lineage().promptTemplateHash());
            }
            assertEquals(usesModels(), !r.lineage().modelIds().isEmpty(), "lineage.modelIds");
        }
        assertEveryInputAccountedFor(o);
    }

    @Test
    void editingATemplateChangesTheHashAndIdsOfItsOutputs(@TempDir Path dir) throws Exception {
        List<TemplateSpec> specs = flow().templates();
        Outcome original = run(wellBehavedModels());
        if (specs.isEmpty()) {
            assertTrue(original.outputs().stream().allMatch(r -> r.lineage().promptTemplateHash() == null));
            return;
        }
        // A Jinja comment changes the file, not the rendered prompt, so the scripted answers stay the same.
        Path file = dir.resolve(flow().name()).resolve(specs.getFirst().name() + PromptTemplates.EXTENSION);
        Files.createDirectories(file.getParent());
        Files.writeString(file, PromptTemplates.builtIn().load(flow().name(), specs.getFirst().name()).text() + "{# edited #}");
        FlowRunner.Builder b = FlowRunner.builder(flow()).settings(settings()).batchSize(batchSize()).concurrency(2).templateOverrides(dir);
        wellBehavedModels().forEach(b::model);
        List<DataRecord> edited = new ArrayList<>();
        b.build().run(RecordSource.of(sampleInputs()), RecordSink.into(edited));
        Set<String> before = new HashSet<>(original.outputs().stream().map(r -> r.lineage().promptTemplateHash()).toList());
        Set<String> after = new HashSet<>(edited.stream().map(r -> r.lineage().promptTemplateHash()).toList());
        assertFalse(after.isEmpty());
        assertNotEquals(before, after, "the edited template's hash must reach the outputs that used it");
        Set<String> ids = new HashSet<>(original.outputs().stream().map(DataRecord::id).toList());
        assertTrue(edited.stream().anyMatch(r -> !ids.contains(r.id())), "a new template means new slots");
    }

    @Test
    void idsAreDeterministic() {
        Outcome first = run(wellBehavedModels());
        Outcome second = run(wellBehavedModels());
        assertEquals(first.outputs().stream().map(DataRecord::id).toList(), second.outputs().stream().map(DataRecord::id).toList());
        assertEquals(first.outputs(), second.outputs(), "same inputs and answers must give the same records");
    }

    @Test
    void aModelThatIgnoresTheFormatYieldsDeadLetters() {
        if (!usesModels()) {
            ScriptedChatModel m = formatIgnoringModel();
            run(Map.of("teacher", m));
            assertEquals(0, m.calls(), "a flow without model roles called a model");
            return;
        }
        Outcome prose = run(allRoles(this::formatIgnoringModel));
        assertFalse(prose.deadLetters().isEmpty(), "format-ignoring answers must be dead-lettered");
        prose.deadLetters().forEach(d -> assertEquals(ModelCallException.Kind.MALFORMED_OUTPUT, d.kind(), d.toString()));
        assertEveryInputAccountedFor(prose);

        // Truncated answers are unusable in any format, free text included.
        Outcome cut = run(allRoles(() -> ScriptedChatModel.truncating(p -> "Partial answer that stops mid")));
        assertTrue(cut.outputs().isEmpty(), "truncated answers must not become records");
        assertFalse(cut.deadLetters().isEmpty());
        cut.deadLetters().forEach(d -> assertEquals(ModelCallException.Kind.MALFORMED_OUTPUT, d.kind(), d.toString()));
        assertEveryInputAccountedFor(cut);
    }

    @Test
    void aFailingModelYieldsDeadLettersOfItsKind() {
        if (!usesModels()) {
            // A flow without model roles must not notice a broken model at all.
            ScriptedChatModel broken = ScriptedChatModel.failing(ModelCallException.Kind.TIMEOUT);
            Outcome o = run(Map.of("teacher", broken));
            assertEquals(run(wellBehavedModels()).outputs(), o.outputs());
            assertEquals(0, broken.calls());
            return;
        }
        for (ModelCallException.Kind kind : List.of(ModelCallException.Kind.TIMEOUT, ModelCallException.Kind.RATE_LIMITED)) {
            Outcome o = run(allRoles(() -> ScriptedChatModel.failing(kind)));
            assertTrue(o.outputs().isEmpty(), "no outputs from a model that always fails");
            assertFalse(o.deadLetters().isEmpty());
            for (DeadLetter d : o.deadLetters()) {
                assertEquals(kind, d.kind(), d.toString());
                assertEquals(flow().name(), d.flow());
                assertNotNull(d.model(), "dead letter names the model");
            }
            assertEveryInputAccountedFor(o);
        }
        Outcome other = run(allRoles(() -> ScriptedChatModel.failing(() -> new IllegalStateException("socket closed"))));
        assertFalse(other.deadLetters().isEmpty());
        other.deadLetters().forEach(d -> assertEquals(ModelCallException.Kind.OTHER, d.kind()));
        assertTrue(other.deadLetters().getFirst().reason().contains("socket closed"));
        assertEveryInputAccountedFor(other);
    }

    @Test
    void aTemplateWithAnUnknownVariableFailsBeforeAnyCall(@TempDir Path dir) throws Exception {
        List<TemplateSpec> specs = flow().templates();
        if (specs.isEmpty()) {
            // Nothing to check before the run, and nothing undeclared is loaded: a stray file does not matter.
            Path stray = dir.resolve(flow().name()).resolve("stray" + PromptTemplates.EXTENSION);
            Files.createDirectories(stray.getParent());
            Files.writeString(stray, "{{ no_such_variable }}");
            FlowRunner.Builder b = FlowRunner.builder(flow()).settings(settings()).templateOverrides(dir);
            wellBehavedModels().forEach(b::model);
            assertNotNull(b.build());
            return;
        }
        Path file = dir.resolve(flow().name()).resolve(specs.getFirst().name() + PromptTemplates.EXTENSION);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "Line one\nAnswer {{ no_such_variable }} now.\n");
        Map<String, ScriptedChatModel> models = wellBehavedModels();
        FlowRunner.Builder b = FlowRunner.builder(flow()).settings(settings()).templateOverrides(dir);
        models.forEach(b::model);
        TemplateException e = assertThrows(TemplateException.class, b::build);
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no_such_variable"), e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        models.values().forEach(m -> assertEquals(0, m.calls(), "a call was paid for before the template was checked"));
    }
}
