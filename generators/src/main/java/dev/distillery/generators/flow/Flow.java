package dev.distillery.generators.flow;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.generators.template.TemplateSpec;

import java.util.List;

/**
 * The plugin unit of data generation: turns a batch of input records into output records, dead letters and explicit
 * filter decisions. Registered in {@code META-INF/services/dev.distillery.generators.flow.Flow} and found through
 * {@link Flows}; run through {@link FlowRunner}.
 *
 * <pre>{@code
 * RunReport report = FlowRunner.builder(Flows.named("self-instruct"))
 *         .model("teacher", chatModel).setting("new-tasks", 4).build()
 *         .run(seedTasks, sink);
 * }</pre>
 *
 * <p>Contract (checked by the conformance test base every flow's test extends): a flow never lets a failed model
 * call escape or silently drops an input. Each input ends up as a parent of an {@link FlowResult.Output}, in a
 * {@link FlowResult.Failure} (a dead letter) or in a {@link FlowResult.Filtered} decision. {@link #process} may be
 * called from several threads at once for different batches, so per-run state lives in {@link FlowContext#state}.
 */
public interface Flow {

    /** Kebab-case name used in configs and on every output's lineage, e.g. {@code self-instruct}. */
    String name();

    /** One line for {@code distillery plugins}. */
    String description();

    /** Which payloads it reads, which record kinds it writes, which model roles it calls. */
    FlowSignature signature();

    /** Every setting it accepts; anything else is rejected by {@link #validate}. */
    List<FlowParameter> parameters();

    /** The prompt templates it renders, with the variables it provides to each; checked before any call. */
    List<TemplateSpec> templates();

    /**
     * Resolves {@code raw} against {@link #parameters()}: unknown names (with a did-you-mean), wrong types and values
     * outside the allowed choices fail here, before any call is paid for. Flows with cross-field rules override
     * {@link #check(FlowSettings)}, not this method.
     */
    default FlowSettings validate(FlowSettings raw) {
        FlowSettings resolved = raw.resolve(name(), parameters());
        check(resolved);
        return resolved;
    }

    /** Flow-specific checks on resolved settings; throw {@link FlowConfigException} naming the setting. */
    default void check(FlowSettings resolved) {
    }

    /**
     * The model roles a run with these settings will call; each must have a model (or a fallback's). By default
     * the signature's required roles; a flow whose settings name roles (preference candidates) adds those.
     */
    default List<String> rolesUsed(FlowSettings resolved) {
        return signature().models().stream().filter(FlowSignature.ModelRole::required)
                .map(FlowSignature.ModelRole::name).toList();
    }

    /**
     * At most how many batches may run at once. A flow whose decisions depend on earlier batches (Self-Instruct's
     * novelty filter compares against every task kept so far) returns 1, so that results do not depend on timing.
     */
    default int maxConcurrency() {
        return Integer.MAX_VALUE;
    }

    /** Processes one batch; every result goes to {@code out}. Failures are results, not exceptions. */
    void process(List<DataRecord> batch, FlowContext context, Emitter out);
}
