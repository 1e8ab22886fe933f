package dev.distillery.orchestrator.models;

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
 * them; {@link #close()} releases local models. Local models ({@code local}) run in-process on the trainer's runtime;
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
    private final Map<String, ChatModel> built = new ConcurrentHashMap<>();
    private final List<LocalModel> locals = new ArrayList<>();

    public ChatModels(PipelineSpec spec, Path baseDir) {
        this(spec.models(), baseDir);
    }

    /** Models by name, e.g. a judge config's; relative paths start at {@code baseDir}. */
    public ChatModels(Map<String, ModelSpec> specs, Path baseDir) {
        this.specs = Map.copyOf(specs);
        this.baseDir = baseDir;
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
            default -> throw new IllegalArgumentException("models." + name + ": provider '" + m.provider()
                    + "' is not available in this build");
        };
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
