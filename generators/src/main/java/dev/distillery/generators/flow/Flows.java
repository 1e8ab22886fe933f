package dev.distillery.generators.flow;

import dev.distillery.datasets.spi.Plugins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of flows: built-ins and plugins on the class path, found through {@link Plugins}.
 *
 * <pre>{@code Flow f = Flows.named("self-instruct");   // "self-instrct" fails with: did you mean 'self-instruct'?}</pre>
 */
public final class Flows {
    private Flows() {
    }

    /** Every flow, sorted by name; when two share a name, the first discovered wins. */
    public static List<Flow> all() {
        Map<String, Flow> byName = new LinkedHashMap<>();
        for (Flow f : Plugins.load(Flow.class)) byName.putIfAbsent(f.name(), f);
        List<Flow> flows = new ArrayList<>(byName.values());
        flows.sort(java.util.Comparator.comparing(Flow::name));
        return List.copyOf(flows);
    }

    /** The flow called {@code name}; an unknown name fails with the closest known one and the full list. */
    public static Flow named(String name) {
        List<Flow> flows = all();
        for (Flow f : flows) if (f.name().equals(name)) return f;
        List<String> names = flows.stream().map(Flow::name).toList();
        StringBuilder msg = new StringBuilder("unknown flow '").append(name).append("'");
        String closest = Names.closest(name, names);
        if (closest != null) msg.append("; did you mean '").append(closest).append("'?");
        msg.append(" Known flows: ").append(String.join(", ", names));
        throw new FlowConfigException(msg.toString());
    }

    /** A plain-text description of {@code flow} for {@code distillery plugins}: name, description, roles, settings. */
    public static String describe(Flow flow) {
        StringBuilder sb = new StringBuilder();
        sb.append(flow.name()).append(" - ").append(flow.description()).append('\n');
        FlowSignature sig = flow.signature();
        sb.append("  reads: ").append(String.join(", ", sig.inputTypes()))
                .append("; writes: ").append(String.join(", ", sig.outputKinds())).append('\n');
        for (FlowSignature.ModelRole m : sig.models()) {
            sb.append("  model ").append(m.name()).append(": ").append(m.description());
            if (m.fallback() != null) sb.append(" (default: the ").append(m.fallback()).append(" model)");
            sb.append('\n');
        }
        for (FlowParameter p : flow.parameters()) {
            sb.append("  --").append(p.name()).append(" (").append(p.type().name().toLowerCase(java.util.Locale.ROOT));
            sb.append(p.required() ? ", required" : ", default " + p.defaultValue()).append("): ").append(p.description());
            if (!p.choices().isEmpty()) sb.append(" [").append(String.join(", ", p.choices())).append(']');
            sb.append('\n');
        }
        return sb.toString();
    }
}
