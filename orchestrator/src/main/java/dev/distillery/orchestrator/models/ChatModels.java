package dev.distillery.orchestrator.models;

import dev.distillery.generators.model.ModelAccess;
import dev.distillery.generators.model.ProviderSpec;
import dev.distillery.generators.model.accounting.Price;
import dev.distillery.generators.model.accounting.UsageLedger;
import dev.distillery.generators.model.cache.CallCacheStore;
import dev.distillery.generators.model.concurrency.AimdLimiter;
import dev.distillery.orchestrator.spec.ModelSpec;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.sandbox.teacher.SimulatedTeacher;
import dev.distillery.sandbox.world.TaskWorld;
import dev.distillery.trainers.runtime.LocalChatModel;
import dev.distillery.trainers.runtime.LocalModel;
import dev.langchain4j.model.chat.ChatModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chat models of one run, built from the spec's {@code models} once each and shared by every stage that names
 * them; {@link #close()} releases local models. Hosted models (openai, openai-compatible, ollama, anthropic) go
 * through {@link ModelAccess}'s decorators; local models ({@code local}) run in-process on the trainer's runtime;
 * {@code sandbox} is the offline simulated teacher.
 *
 * <pre>{@code
 * try (ChatModels models = new ChatModels(spec, specDir)) {
 *     ChatModel teacher = models.get("teacher");
 * }
 * }</pre>
 */
public final class ChatModels implements AutoCloseable {

    private final Map<String, ModelSpec> specs;
    private final Path baseDir;
    private final String specFile;
    private volatile CallCacheStore cache;
    private final UsageLedger ledger = new UsageLedger();
    private final Map<String, ChatModel> built = new ConcurrentHashMap<>();
    private final List<LocalModel> locals = new ArrayList<>();

    public ChatModels(PipelineSpec spec, Path baseDir) {
        this(spec.models(), baseDir);
    }

    /** Models by name, e.g. a judge config's; relative paths start at {@code baseDir}. */
    public ChatModels(Map<String, ModelSpec> specs, Path baseDir) {
        this(specs, baseDir, null);
    }

    /** {@code specFile} names the file the specs came from in error messages. */
    public ChatModels(Map<String, ModelSpec> specs, Path baseDir, String specFile) {
        this.specs = Map.copyOf(specs);
        this.baseDir = baseDir;
        this.specFile = specFile == null ? "<spec>" : specFile;
    }

    /**
     * Puts every hosted call behind a persistent call cache (a rerun or resumed run pays for no call twice). Set it
     * before the first {@link #get}.
     */
    public ChatModels withCallCache(CallCacheStore store) {
        this.cache = store;
        return this;
    }

    /** Tokens, calls and cost so far, per model, flow and stage. */
    public UsageLedger ledger() {
        return ledger;
    }

    /** The model declared under {@code name} in the spec. */
    public ChatModel get(String name) {
        return built.computeIfAbsent(name, n -> {
            ModelSpec m = specs.get(n);
            if (m == null) throw new IllegalArgumentException("models." + n + ": not declared (models: " + specs.keySet() + ")");
            return create(n, m);
        });
    }

    private ChatModel create(String name, ModelSpec m) {
        return switch (m.provider()) {
            case "local" -> {
                LocalModel.Builder b = LocalModel.builder(baseDir.resolve(m.path()).normalize());
                if (m.adapter() != null) b.adapter(baseDir.resolve(m.adapter()).normalize());
                LocalModel model = b.build();
                synchronized (locals) {
                    locals.add(model);
                }
                LocalChatModel.Builder cb = LocalChatModel.builder(model);
                if (m.parameters().get("temperature") instanceof Number t) cb.temperature(t.doubleValue());
                if (m.parameters().get("max_tokens") instanceof Number t) cb.maxOutputTokens(t.intValue());
                if (m.parameters().get("seed") instanceof Number s) cb.seed(s.longValue());
                yield cb.build();
            }
            case "sandbox" -> sandboxTeacher(m);
            default -> hosted(name, m);
        };
    }

    /** OpenAI(-compatible), Ollama, Anthropic: cache, accounting, AIMD concurrency and retries around LangChain4j. */
    private ChatModel hosted(String name, ModelSpec m) {
        ProviderSpec.Builder p = ProviderSpec.builder(name, m.provider()).source(specFile, "models." + name);
        if (m.baseUrl() != null) p.baseUrl(m.baseUrl());
        if (m.model() != null) p.model(m.model());
        if (m.apiKeyEnv() != null) p.apiKeyEnv(m.apiKeyEnv());
        m.parameters().forEach(p::parameter);
        if (m.price() != null) p.price(new Price(m.price().inputPerMillion(), m.price().outputPerMillion()));
        ModelAccess.Builder b = ModelAccess.builder().provider(p.build()).ledger(ledger);
        if (cache != null) b.cache(cache);
        if (m.maxConcurrency() != null && m.initialConcurrency() != null) {
            b.concurrency(AimdLimiter.builder().maxLimit(m.maxConcurrency()).initialLimit(m.initialConcurrency()));
        } else if (m.maxConcurrency() != null) {
            b.maxConcurrency(m.maxConcurrency());
        }
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private static ChatModel sandboxTeacher(ModelSpec m) {
        SimulatedTeacher.Builder b = SimulatedTeacher.builder(TaskWorld.standard());
        if (m.parameters().get("error_rate") instanceof Number r) b.errorRate(r.doubleValue());
        if (m.parameters().get("error_rates") instanceof Map<?, ?> rates) {
            ((Map<String, Object>) rates).forEach((skill, r) -> b.errorRate(skill, ((Number) r).doubleValue()));
        }
        if ("step-by-step".equals(m.parameters().get("style"))) b.style(SimulatedTeacher.Style.STEP_BY_STEP);
        if (m.parameters().get("seed") instanceof Number s) b.seed(s.longValue());
        if (m.parameters().get("latency_ms") instanceof Number l) b.latency(java.time.Duration.ofMillis(l.longValue()));
        if (m.parameters().get("judge_false_pass") instanceof Number r) b.judgeFalsePass(r.doubleValue());
        if (m.parameters().get("judge_false_fail") instanceof Number r) b.judgeFalseFail(r.doubleValue());
        return b.build();
    }

    @Override
    public void close() {
        synchronized (locals) {
            locals.forEach(LocalModel::close);
            locals.clear();
        }
    }
}
