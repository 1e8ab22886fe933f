package dev.distillery.datasets.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a dataset's records came from, in counts: which flows, models and prompt templates produced how many
 * records, and which inputs the dataset was derived from.
 *
 * @param flows           record count per flow
 * @param models          record count per model id
 * @param promptTemplates record count per prompt template hash
 * @param inputs          the datasets or files this one was made from
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LineageSummary(Map<String, Long> flows, Map<String, Long> models, Map<String, Long> promptTemplates,
                             List<String> inputs) {

    public static final LineageSummary EMPTY = new LineageSummary(Map.of(), Map.of(), Map.of(), List.of());

    public LineageSummary {
        flows = flows == null ? Map.of() : Map.copyOf(flows);
        models = models == null ? Map.of() : Map.copyOf(models);
        promptTemplates = promptTemplates == null ? Map.of() : Map.copyOf(promptTemplates);
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }

    /** Accumulates a summary while records are written; not thread-safe (one writer owns it). */
    static final class Builder {
        private final Map<String, Long> flows = new TreeMap<>();
        private final Map<String, Long> models = new TreeMap<>();
        private final Map<String, Long> templates = new TreeMap<>();
        private final Map<String, Long> kinds = new TreeMap<>();
        private final List<String> inputs;

        Builder(LineageSummary start, Map<String, Long> startKinds, List<String> inputs) {
            flows.putAll(start.flows());
            models.putAll(start.models());
            templates.putAll(start.promptTemplates());
            kinds.putAll(startKinds);
            this.inputs = new java.util.ArrayList<>(start.inputs());
            for (String in : inputs) if (!this.inputs.contains(in)) this.inputs.add(in);
        }

        void add(DataRecord r) {
            kinds.merge(r.kind(), 1L, Long::sum);
            Lineage l = r.lineage();
            if (l.flow() != null) flows.merge(l.flow(), 1L, Long::sum);
            for (String m : l.modelIds()) models.merge(m, 1L, Long::sum);
            if (l.promptTemplateHash() != null) templates.merge(l.promptTemplateHash(), 1L, Long::sum);
        }

        Map<String, Long> kinds() {
            return kinds;
        }

        LineageSummary build() {
            return new LineageSummary(flows, models, templates, inputs);
        }
    }
}
