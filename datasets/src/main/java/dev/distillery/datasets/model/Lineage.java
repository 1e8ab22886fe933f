package dev.distillery.datasets.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Where a record came from: enough to audit it and to find every record a bad prompt template or model produced.
 *
 * @param parentIds          ids of the records it was derived from
 * @param flow               the generation flow that made it, e.g. {@code self-instruct}
 * @param step               the step inside the flow, e.g. {@code evolve-depth}
 * @param modelIds           models that took part (teacher, judge, ...)
 * @param promptTemplateHash hash of the prompt template text used
 * @param seedDocumentId     id of the seed document for content-transformation flows
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Lineage(List<String> parentIds, String flow, String step, List<String> modelIds,
                      String promptTemplateHash, String seedDocumentId) {

    public static final Lineage NONE = new Lineage(List.of(), null, null, List.of(), null, null);

    public Lineage {
        parentIds = parentIds == null ? List.of() : List.copyOf(parentIds);
        modelIds = modelIds == null ? List.of() : List.copyOf(modelIds);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return parentIds.isEmpty() && flow == null && step == null && modelIds.isEmpty()
                && promptTemplateHash == null && seedDocumentId == null;
    }
}
