package dev.distillery.generators.flow;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.RecordIds;
import dev.distillery.generators.model.CallScope;
import dev.distillery.generators.model.DeadLetter;
import dev.distillery.generators.model.ModelCallException;
import dev.distillery.generators.template.PromptTemplate;
import dev.distillery.generators.template.PromptTemplates;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Everything a flow may use while processing a batch: its models by role, resolved settings, templates, a seed, and
 * builders for output records and dead letters that fill in lineage and ids the same way for every flow. Made by
 * {@link FlowRunner}; shared by the batches of one run, so it is thread-safe.
 *
 * <pre>{@code
 * ModelReply reply = context.chat("teacher", "generate", List.of(UserMessage.from(prompt)));
 * out.output(context.output(new Payload.Text(reply.text())).kind("instruction").step("generate")
 *         .parents(input).template(t).models(reply.modelId()).build());
 * }</pre>
 */
public final class FlowContext {

    /** A role's model and the id lineage records for it. */
    record Bound(String id, ChatModel model) {
    }

    private final Flow flow;
    private final String stage;
    private final FlowSettings settings;
    private final PromptTemplates templates;
    private final Map<String, Bound> models;
    private final long seed;
    private final int pass;
    private final Spending spending;
    private final Map<String, Object> state;
    /**
     * The step and model of the last call this thread made. A batch runs on one thread, so this lets
     * {@link #deadLetter(String, ModelCallException)} name the failed step without every flow threading it through.
     */
    private static final ThreadLocal<String[]> LAST_CALL = new ThreadLocal<>();

    FlowContext(Flow flow, String stage, FlowSettings settings, PromptTemplates templates, Map<String, Bound> models,
                long seed, int pass, Spending spending, Map<String, Object> state) {
        this.flow = flow;
        this.stage = stage;
        this.settings = settings;
        this.templates = templates;
        this.models = Map.copyOf(models);
        this.seed = seed;
        this.pass = pass;
        this.spending = spending;
        this.state = state;
    }

    static FlowContext create(Flow flow, String stage, FlowSettings settings, PromptTemplates templates,
                              Map<String, Bound> models, long seed, Spending spending) {
        return new FlowContext(flow, stage, settings, templates, models, seed, 0, spending, new ConcurrentHashMap<>());
    }

    /** The same run on its {@code n}-th pass over the source: ids and random draws differ, state is shared. */
    FlowContext forPass(int n) {
        return new FlowContext(flow, stage, settings, templates, models, seed, n, spending, state);
    }

    public String flowName() {
        return flow.name();
    }

    /** The pipeline stage this run belongs to, or null. */
    public String stage() {
        return stage;
    }

    /** Resolved settings: every declared parameter has a typed value. */
    public FlowSettings settings() {
        return settings;
    }

    public long seed() {
        return seed;
    }

    /** Which pass over the source this is; 0 unless the runner repeats the source to reach a target. */
    public int pass() {
        return pass;
    }

    /** The flow's template {@code name}, already checked before the run. */
    public PromptTemplate template(String name) {
        return templates.load(flow.name(), name, flow.getClass().getClassLoader());
    }

    /** Whether {@code role}, or a role it falls back to, has a model. */
    public boolean hasModel(String role) {
        return resolve(role) != null;
    }

    /** The id lineage records for {@code role}'s model. */
    public String modelId(String role) {
        Bound b = resolve(role);
        if (b == null) throw new IllegalStateException("no model for role '" + role + "'");
        return b.id();
    }

    /** Calls {@code role}'s model with default parameters. */
    public ModelReply chat(String role, String step, List<ChatMessage> messages) {
        return chat(role, step, ChatRequest.builder().messages(messages).build());
    }

    /**
     * Calls {@code role}'s model inside a {@link CallScope} for accounting, against the run's budget. Returns a
     * non-blank, untruncated answer or throws {@link ModelCallException}: any other exception from the model is
     * wrapped as {@link ModelCallException.Kind#OTHER}, an empty or truncated answer is
     * {@link ModelCallException.Kind#MALFORMED_OUTPUT}.
     */
    public ModelReply chat(String role, String step, ChatRequest request) {
        Bound b = resolve(role);
        if (b == null) throw new IllegalStateException("no model for role '" + role + "'");
        LAST_CALL.set(new String[]{step, b.id()});
        spending.reserveCall();
        ChatResponse response;
        try {
            response = CallScope.of(flow.name(), stage != null ? stage : step).call(() -> b.model().chat(request));
        } catch (ModelCallException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelCallException(ModelCallException.Kind.OTHER,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), 1, e);
        }
        String modelId = response.modelName() != null && !response.modelName().isBlank() ? response.modelName() : b.id();
        spending.record(modelId, response.tokenUsage());
        AiMessage ai = response.aiMessage();
        String text = ai == null ? null : ai.text();
        if (response.finishReason() == FinishReason.LENGTH) {
            throw JsonAnswer.malformed("the answer was cut off at the token limit");
        }
        if (text == null || text.isBlank()) throw JsonAnswer.malformed("the model returned an empty answer");
        return new ModelReply(text, modelId, response.tokenUsage());
    }

    private Bound resolve(String role) {
        String r = role;
        // Follow declared fallbacks (editor -> teacher); the hop limit guards against a cycle in a plugin's roles.
        for (int hops = 0; r != null && hops < 8; hops++) {
            Bound b = models.get(r);
            if (b != null) return b;
            r = flow.signature().fallbackOf(r);
        }
        return null;
    }

    /** A random source determined by the run's seed, the pass and {@code keys} (e.g. the input id). */
    public Random random(String... keys) {
        byte[] h = RecordIds.sha256().digest((seed + "\u0000" + pass + "\u0000" + String.join("\u0000", keys))
                .getBytes(StandardCharsets.UTF_8));
        long s = 0;
        for (int i = 0; i < 8; i++) s = (s << 8) | (h[i] & 0xff);
        return new Random(s);
    }

    /** Per-run state shared by all batches (e.g. Self-Instruct's task pool); {@code init} runs once per key. */
    @SuppressWarnings("unchecked")
    public <T> T state(String key, Supplier<T> init) {
        return (T) state.computeIfAbsent(key, k -> init.get());
    }

    /** Starts an output record; {@link OutputBuilder#build()} fills lineage and the deterministic id. */
    public OutputBuilder output(Payload payload) {
        return new OutputBuilder(payload);
    }

    /** A dead letter for a failed call made while working on {@code recordId}. */
    public DeadLetter deadLetter(String recordId, String step, String role, ModelCallException failure) {
        Bound b = role == null ? null : resolve(role);
        return new DeadLetter(recordId, flow.name(), stage != null ? stage : step, b == null ? null : b.id(),
                failure.kind(), failure.getMessage(), Math.max(failure.attempts(), 0), Instant.now());
    }

    /** Forgets this thread's last call, so a failure before any call for the next input names no stale model. */
    void clearLastCall() {
        LAST_CALL.remove();
    }

    /** A dead letter for {@code failure}, naming the step and model of this thread's last call. */
    public DeadLetter deadLetter(String recordId, ModelCallException failure) {
        String[] last = LAST_CALL.get();
        String step = last == null ? null : last[0];
        return new DeadLetter(recordId, flow.name(), stage != null ? stage : step, last == null ? null : last[1],
                failure.kind(), failure.getMessage(), Math.max(failure.attempts(), 0), Instant.now());
    }

    /** A dead letter for a problem that involved no call (bad input); {@code model} may be null. */
    public DeadLetter deadLetter(String recordId, String step, ModelCallException.Kind kind, String reason) {
        return new DeadLetter(recordId, flow.name(), stage != null ? stage : step, null, kind, reason, 0, Instant.now());
    }

    /**
     * Builds an output record. Its id hashes the flow, step, parents, template hash, models, variant and pass,
     * not the generated text: a rerun fills the same slot with the same id even when a sampled model answers
     * differently, so reruns and resumes are idempotent.
     */
    public final class OutputBuilder {
        private final Payload payload;
        private String kind;
        private String step;
        private final List<String> parentIds = new ArrayList<>();
        private final TreeSet<String> modelIds = new TreeSet<>();
        private final List<String> templateHashes = new ArrayList<>();
        private String seedDocumentId;
        private String variant = "";

        private OutputBuilder(Payload payload) {
            this.payload = payload;
        }

        public OutputBuilder kind(String k) {
            this.kind = k;
            return this;
        }

        public OutputBuilder step(String s) {
            this.step = s;
            return this;
        }

        /** Parents; the first parent's seed document is inherited. */
        public OutputBuilder parents(List<DataRecord> parents) {
            for (DataRecord p : parents) {
                parentIds.add(p.id());
                if (seedDocumentId == null) seedDocumentId = p.lineage().seedDocumentId();
            }
            return this;
        }

        public OutputBuilder parents(DataRecord... parents) {
            return parents(Arrays.asList(parents));
        }

        public OutputBuilder parentIds(List<String> ids) {
            parentIds.addAll(ids);
            return this;
        }

        /** The templates whose rendering produced it; several are combined into one hash. */
        public OutputBuilder template(PromptTemplate... templates) {
            for (PromptTemplate t : templates) templateHashes.add(t.hash());
            return this;
        }

        public OutputBuilder models(String... ids) {
            for (String id : ids) if (id != null) modelIds.add(id);
            return this;
        }

        public OutputBuilder models(List<String> ids) {
            return models(ids.toArray(String[]::new));
        }

        public OutputBuilder seedDocument(String id) {
            this.seedDocumentId = id;
            return this;
        }

        /** Distinguishes several outputs of the same parents and step (sample 2 of 4, strategy name, round). */
        public OutputBuilder variant(Object v) {
            this.variant = String.valueOf(v);
            return this;
        }

        public String templateHash() {
            if (templateHashes.isEmpty()) return null;
            if (templateHashes.size() == 1) return templateHashes.get(0);
            return RecordIds.sha256Hex(String.join("+", templateHashes).getBytes(StandardCharsets.UTF_8)).substring(0, 12);
        }

        /** The id {@link #build()} will give the record. */
        public String id() {
            String key = String.join("\u0000", flow.name(), String.valueOf(step), String.join(",", parentIds),
                    String.valueOf(templateHash()), String.join(",", modelIds), variant, String.valueOf(pass));
            return RecordIds.sha256Hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
        }

        public DataRecord build() {
            Lineage lineage = new Lineage(parentIds, flow.name(), step, List.copyOf(modelIds), templateHash(), seedDocumentId);
            return new DataRecord(id(), kind, payload, lineage, null, null);
        }
    }
}
