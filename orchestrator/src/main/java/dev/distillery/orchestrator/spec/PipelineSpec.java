package dev.distillery.orchestrator.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline as declared in YAML or built in Java: named models and stages wired by their inputs. Read one with
 * {@link PipelineSpecs#read}, build one with {@link PipelineSpecs#builder}; both validate before returning.
 *
 * @param name   the pipeline's name (runs are listed by it)
 * @param seed   the default seed of every stage (a stage's own {@code seed} wins)
 * @param models models by name; stages refer to them
 * @param stages in file order; {@code inputs} wire them into a graph
 */
public record PipelineSpec(String name, Long seed, Map<String, ModelSpec> models, List<StageSpec> stages) {

    public PipelineSpec {
        models = models == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(models));
        stages = stages == null ? List.of() : List.copyOf(stages);
    }

    public Optional<StageSpec> stage(String stageName) {
        return stages.stream().filter(s -> s.name().equals(stageName)).findFirst();
    }

    /** The seed a stage runs with: its own, else the pipeline's, else 42. */
    public long seedOf(StageSpec stage) {
        return stage.seed() != null ? stage.seed() : seed != null ? seed : 42L;
    }
}
