package dev.distillery.orchestrator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineSpecsTest {

    static final SpecCatalog CATALOG = SpecCatalog.offline()
            .withFlows(Set.of("self-instruct", "evol-instruct", "responses"))
            .withJudges(Set.of("single-grade", "numeric", "length"))
            .withEnvironment(Map.of("OPENAI_API_KEY", "set"));

    static final String GOOD = """
            name: docs-to-sft
            seed: 7
            models:
              teacher:
                provider: openai-compatible
                base_url: http://localhost:8000/v1
                model: qwen2.5-7b-instruct
                parameters: {temperature: 0.7, max_tokens: 512}
                price: {input_per_million: 0.1, output_per_million: 0.3}
                max_concurrency: 32
                initial_concurrency: 32
              judge:
                provider: openai
                model: gpt-4o-mini
                api_key_env: OPENAI_API_KEY
            stages:
              - name: seeds
                kind: source
                path: seeds.jsonl
              - name: instructions
                kind: flow
                inputs: [seeds]
                flow: self-instruct
                settings: {rounds: 2, novelty: 0.7}
                models: {teacher: teacher}
                concurrency: 16
                batch: 8
                budget: {calls: 2000, cost_usd: 5.0}
                target: 500
              - name: graded
                kind: judge
                inputs: instructions
                judge: single-grade
                models: {judge: judge}
              - name: kept
                kind: filter
                inputs: [graded]
                score: single-grade
                min: 7
              - name: unique
                kind: dedup
                inputs: [kept]
                method: minhash
                threshold: 0.7
              - name: export
                kind: export
                inputs: [unique]
                path: out/train.jsonl
                format: trl-messages
              - name: sft
                kind: train
                inputs: [unique]
                job: examples/sft-tiny.yaml
                seed: 3
            """;

    @Test
    void aGoodSpecReadsAndRoundTripsThroughYaml() {
        PipelineSpec spec = PipelineSpecs.parse(GOOD, "good.yaml", CATALOG);
        assertEquals("docs-to-sft", spec.name());
        assertEquals(7, spec.stages().size());
        StageSpec flow = spec.stage("instructions").orElseThrow();
        assertEquals("self-instruct", flow.setting("flow"));
        assertEquals(Map.of("rounds", 2L, "novelty", 0.7), flow.setting("settings"));
        assertEquals(new StageSpec.Budget(2000L, null, 5.0), flow.budget());
        assertEquals(List.of("instructions"), spec.stage("graded").orElseThrow().inputs(), "a single input as a string");
        assertEquals(3L, spec.seedOf(spec.stage("sft").orElseThrow()));
        assertEquals(7L, spec.seedOf(flow));
        assertEquals(new ModelSpec.Price(0.1, 0.3), spec.models().get("teacher").price());
        assertEquals(32, spec.models().get("teacher").initialConcurrency());
        assertEquals(null, spec.models().get("judge").initialConcurrency());

        String yaml = PipelineSpecs.toYaml(spec);
        assertEquals(spec, PipelineSpecs.parse(yaml, "written.yaml", CATALOG));
        assertEquals(yaml, PipelineSpecs.toYaml(PipelineSpecs.parse(yaml, "again.yaml", CATALOG)), "writing is stable");
    }

    @Test
    void theBuilderMakesTheSamePipelineAsTheYaml() {
        PipelineSpec built = PipelineSpecs.builder("docs-to-sft").seed(7)
                .model("teacher", new ModelSpec("openai-compatible", "http://localhost:8000/v1", "qwen2.5-7b-instruct",
                        null, null, null, Map.of("temperature", 0.7, "max_tokens", 512), new ModelSpec.Price(0.1, 0.3), 32, 32))
                .model("judge", new ModelSpec("openai", null, "gpt-4o-mini", "OPENAI_API_KEY", null, null, null, null, null))
                .stage(StageSpec.builder("seeds", "source").set("path", "seeds.jsonl"))
                .stage(StageSpec.builder("instructions", "flow").inputs("seeds").set("flow", "self-instruct")
                        .set("settings", Map.of("rounds", 2, "novelty", 0.7)).model("teacher", "teacher")
                        .concurrency(16).batch(8).budget(2000L, null, 5.0).target(500))
                .stage(StageSpec.builder("graded", "judge").inputs("instructions").set("judge", "single-grade")
                        .model("judge", "judge"))
                .stage(StageSpec.builder("kept", "filter").inputs("graded").set("score", "single-grade").set("min", 7))
                .stage(StageSpec.builder("unique", "dedup").inputs("kept").set("method", "minhash").set("threshold", 0.7))
                .stage(StageSpec.builder("export", "export").inputs("unique").set("path", "out/train.jsonl")
                        .set("format", "trl-messages"))
                .stage(StageSpec.builder("sft", "train").inputs("unique").set("job", "examples/sft-tiny.yaml").seed(3))
                .build(CATALOG);
        PipelineSpec read = PipelineSpecs.parse(GOOD, "good.yaml", CATALOG);
        assertEquals(read.stages(), built.stages());
        assertEquals(read.models(), built.models());
        assertEquals(read, built);
        assertEquals(built, PipelineSpecs.parse(PipelineSpecs.toYaml(built), null, CATALOG));
    }

    /** One broken spec per case: the exact message, path and line the user sees. */
    @Test
    void brokenSpecsNameThePathAndLineOfEveryProblem() {
        String head = "name: p\nstages:\n  - name: seeds\n    kind: source\n    path: s.jsonl\n";
        assertProblems(head + "  - name: gen\n    kind: flow\n    inputs: [seeds]\n    flow: self-instrct\n",
                "x.yaml:9: stages[1].flow: unknown flow 'self-instrct', did you mean 'self-instruct'?");
        assertProblems(head + "  - name: gen\n    kind: flwo\n",
                "x.yaml:7: stages[1].kind: unknown stage kind 'flwo', did you mean 'flow'? (known: source, flow, judge, "
                        + "filter, dedup, decontaminate, select-pairs, export, train, eval, sample, allocate, report)");
        assertProblems(head + "  - name: d\n    kind: dedup\n    inputs: [sedes]\n",
                "x.yaml:8: stages[1].inputs: unknown stage 'sedes', did you mean 'seeds'?");
        assertProblems(head + "  - name: d\n    kind: dedup\n    inputs: [seeds]\n    treshold: 0.5\n",
                "x.yaml:9: stages[1].treshold: unknown field for a dedup stage, did you mean 'threshold'?");
        assertProblems(head + "  - name: d\n    kind: dedup\n    inputs: [seeds]\n    threshold: 1.5\n",
                "x.yaml:9: stages[1].threshold: must be in [0.0, 1.0], got 1.5");
        assertProblems(head + "  - name: d\n    kind: dedup\n    inputs: [seeds]\n    method: fuzzy\n",
                "x.yaml:9: stages[1].method: 'fuzzy' is not one of exact, minhash, semantic");
        assertProblems(head + "  - name: seeds\n    kind: source\n    path: t.jsonl\n",
                "x.yaml:6: stages[1].name: duplicate stage name 'seeds' (also stages[0])");
        assertProblems(head + "  - name: Big Stage\n    kind: dedup\n    inputs: [seeds]\n",
                "x.yaml:6: stages[1].name: 'Big Stage' must be lower case letters, digits, '-' or '_' (it names a directory)");
        assertProblems(head + "  - name: j\n    kind: judge\n    judge: numeric\n",
                "x.yaml:6: stages[1].inputs: a judge stage reads at least 1 input");
        assertProblems(head + "    inputs: [seeds]\n",
                "x.yaml:6: stages[0].inputs: a stage cannot read its own output",
                "x.yaml:6: stages[0].inputs: a source stage reads no inputs");
        assertProblems(head + "  - name: g\n    kind: flow\n    flow: responses\n    models: {teacher: gtp}\n",
                "x.yaml:9: stages[1].models.teacher: unknown model 'gtp' (the spec declares no models)");
        assertProblems(head + "  - name: g\n    kind: flow\n    flow: responses\n    concurrency: zero\n",
                "x.yaml:9: stages[1].concurrency: expected a whole number, got 'zero'");
        assertProblems(head + "  - name: g\n    kind: flow\n    flow: responses\n    budget: {calls: 0, dollars: 3}\n",
                "x.yaml:9: stages[1].budget.dollars: unknown field (known: calls, cost_usd, tokens)",
                "x.yaml:9: stages[1].budget.calls: must be at least 1, got 0");
        assertProblems(head + "  - name: t\n    kind: train\n    inputs: [seeds]\n",
                "x.yaml:6: stages[1].job: give exactly one of job (a file) or train (inline)");
        assertProblems(head + "  - name: e\n    kind: export\n    inputs: [seeds]\n    path: o.jsonl\n    format: trl-mesages\n",
                "x.yaml:10: stages[1].format: unknown format 'trl-mesages', did you mean 'trl-messages'?");
        assertProblems("name: p\nstags: []\n",
                "x.yaml:2: stags: unknown field, did you mean 'stages'?",
                "stages: required: at least one stage");
        assertProblems("name: p\nname: q\nstages: []\n", "x.yaml:2: name: duplicate key (first on line 1)");
        assertProblems("name: [p\nstages:\n", "not valid YAML");
        assertProblems("", "x.yaml:1: the file is empty");
    }

    @Test
    void modelsAreCheckedBeforeAnyCallIsPaid() {
        String stages = "stages:\n  - name: s\n    kind: source\n    path: a.jsonl\n";
        assertProblems("name: p\nmodels:\n  m:\n    provider: opneai\n    model: x\n" + stages,
                "x.yaml:4: models.m.provider: unknown provider 'opneai', did you mean 'openai'? (known: openai, "
                        + "openai-compatible, ollama, anthropic, local, sandbox)");
        assertProblems("name: p\nmodels:\n  m:\n    provider: openai\n    model: gpt\n" + stages,
                "x.yaml:3: models.m.api_key_env: required for openai: the environment variable holding the key "
                        + "(keys are never written in a spec)");
        assertProblems("name: p\nmodels:\n  m:\n    provider: anthropic\n    model: c\n    api_key_env: ANTHROPIC_API_KEY\n" + stages,
                "x.yaml:6: models.m.api_key_env: environment variable ANTHROPIC_API_KEY is not set");
        assertProblems("name: p\nmodels:\n  m:\n    provider: openai-compatible\n    model: x\n    base_url: localhost:8000\n" + stages,
                "x.yaml:6: models.m.base_url: 'localhost:8000' is not an http(s) URL with a host");
        assertProblems("name: p\nmodels:\n  m:\n    provider: sandbox\n    parameters: {error_rate: 2, style: chatty, "
                        + "judge_false_pass: -0.1, judge_false_fail: often}\n" + stages,
                "x.yaml:5: models.m.parameters.error_rate: must be a number in [0, 1], got 2",
                "x.yaml:5: models.m.parameters.judge_false_pass: must be a number in [0, 1], got -0.1",
                "x.yaml:5: models.m.parameters.judge_false_fail: must be a number in [0, 1], got often",
                "x.yaml:5: models.m.parameters.style: expected direct or step-by-step, got 'chatty'");
        assertProblems("name: p\nmodels:\n  m:\n    provider: local\n" + stages,
                "x.yaml:3: models.m.path: required for a local model: its directory");
        assertProblems("name: p\nmodels:\n  m:\n    provider: ollama\n    model: llama3\n    api_key: sk-123\n" + stages,
                "x.yaml:6: models.m.api_key: unknown field (known: adapter, api_key_env, base_url, initial_concurrency, "
                        + "max_concurrency, model, "
                        + "parameters, path, price, provider)",
                "x.yaml:3: models.m.base_url: required for ollama");
        String compatible = "name: p\nmodels:\n  m:\n    provider: openai-compatible\n    model: x\n"
                + "    base_url: http://localhost:8000/v1\n";
        assertProblems(compatible + "    max_concurrency: 8\n    initial_concurrency: 16\n" + stages,
                "models.m.initial_concurrency: is 16, above max_concurrency 8");
        assertProblems(compatible + "    initial_concurrency: 16\n" + stages,
                "models.m.initial_concurrency: needs max_concurrency (the limit it may grow to)");
        assertProblems(compatible + "    max_concurrency: 8\n    initial_concurrency: 0\n" + stages,
                "models.m.initial_concurrency: must be at least 1");
    }

    @Test
    void everyProblemIsReportedAtOnceAndCyclesAreFound() {
        String spec = """
                name: p
                stages:
                  - name: a
                    kind: dedup
                    inputs: [c]
                  - name: b
                    kind: dedup
                    inputs: [a]
                  - name: c
                    kind: dedup
                    inputs: [b]
                    method: fuzzy
                  - name: d
                    kind: flwo
                """;
        SpecException e = assertThrows(SpecException.class, () -> PipelineSpecs.parse(spec, "cyc.yaml", CATALOG));
        List<String> got = e.problems().stream().map(p -> p.format("cyc.yaml")).toList();
        assertEquals(3, got.size(), String.join("\n", got));
        assertTrue(got.contains("cyc.yaml:8: stages[1].inputs: the stages form a cycle: a -> c -> b -> a"), got.toString());
        assertTrue(e.getMessage().startsWith("3 problems in cyc.yaml:\n"), e.getMessage());
    }

    @Test
    void theShippedSchemaIsTheGeneratedOneAndCoversEveryKind() throws Exception {
        JsonNode generated = PipelineSpecs.schema();
        JsonNode shipped;
        try (InputStream in = getClass().getResourceAsStream("/schema/pipeline.schema.json")) {
            assertNotNull(in, "schema/pipeline.schema.json is on the classpath");
            shipped = new ObjectMapper().readTree(in);
        }
        assertTrue(generated.equals(shipped), "the shipped schema is stale; regenerate it with "
                + "`./distillery spec schema > orchestrator/src/main/resources/schema/pipeline.schema.json`");
        List<String> kinds = new ArrayList<>();
        generated.at("/properties/stages/items/properties/kind/enum").forEach(k -> kinds.add(k.asText()));
        assertEquals(List.copyOf(StageKinds.all().keySet()), kinds);
        assertEquals(kinds.size(), generated.at("/properties/stages/items/allOf").size());
        assertEquals("string", generated.at("/properties/stages/items/allOf/1/then/properties/flow/type").asText());
        assertEquals("flow", generated.at("/properties/stages/items/allOf/1/then/required/0").asText());
    }

    @Test
    void overridesChangeStagesModelsAndTopLevelFieldsAndAreValidatedAgain() {
        PipelineSpec spec = PipelineSpecs.parse(GOOD, "good.yaml", CATALOG);
        PipelineSpec changed = PipelineSpecs.override(spec, "good.yaml", List.of("instructions.settings.rounds=5",
                "graded.inputs=[instructions]", "seed=9", "teacher.parameters.temperature=0.3"), CATALOG);
        assertEquals(Map.of("rounds", 5L, "novelty", 0.7), changed.stage("instructions").orElseThrow().setting("settings"));
        assertEquals(9L, changed.seed());
        assertEquals(0.3, changed.models().get("teacher").parameters().get("temperature"));
        assertEquals(spec.stage("sft"), changed.stage("sft"), "untouched stages stay as they were");
        assertEquals(spec, PipelineSpecs.override(spec, "good.yaml", List.of(), CATALOG));

        SpecException unknown = assertThrows(SpecException.class, () -> PipelineSpecs.override(spec, "good.yaml",
                List.of("instructons.flow=evol-instruct", "noequals"), CATALOG));
        String all = unknown.getMessage();
        assertTrue(all.contains("'instructons' is no stage or model of the spec, did you mean 'instructions'?"), all);
        assertTrue(all.contains("--set expects KEY=VALUE"), all);
        // An override that breaks the spec fails validation like a broken file would.
        SpecException invalid = assertThrows(SpecException.class, () -> PipelineSpecs.override(spec, "good.yaml",
                List.of("instructions.flow=self-instrct"), CATALOG));
        assertTrue(invalid.getMessage().contains("unknown flow 'self-instrct', did you mean 'self-instruct'?"),
                invalid.getMessage());
    }

    @Test
    void theShippedExamplePipelinesValidate() {
        // The tests run in orchestrator/; the examples are the README's and docs' pipelines.
        for (String example : List.of("sandbox.yaml", "sandbox-mini.yaml", "docs-to-sft.yaml")) {
            PipelineSpec spec = PipelineSpecs.read(java.nio.file.Path.of("../examples", example), SpecCatalog.installed());
            assertTrue(spec.stages().size() > 3, example);
        }
    }

    private static void assertProblems(String yaml, String... expected) {
        SpecException e = assertThrows(SpecException.class, () -> PipelineSpecs.parse(yaml, "x.yaml", CATALOG));
        List<String> got = e.problems().stream().map(p -> p.format("x.yaml")).toList();
        for (String want : expected) {
            assertTrue(got.stream().anyMatch(g -> g.equals(want) || (!want.startsWith("x.yaml") && g.contains(want))),
                    "expected\n  " + want + "\namong\n  " + String.join("\n  ", got));
        }
        assertEquals(expected.length, got.size(), "exactly the expected problems:\n  " + String.join("\n  ", got));
    }
}
