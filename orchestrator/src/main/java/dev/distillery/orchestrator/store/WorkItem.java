package dev.distillery.orchestrator.store;

import java.time.Instant;
import java.util.List;

/**
 * One finished unit of a stage's input. On resume the executor skips items found here and keeps, from a stage's
 * dataset, exactly the records listed in {@code outputIds} (a record written just before a kill, whose item was not
 * yet marked done, is dropped and produced again).
 */
public record WorkItem(String runId, String stage, String itemKey, List<String> outputIds, Instant doneAt) {
}
