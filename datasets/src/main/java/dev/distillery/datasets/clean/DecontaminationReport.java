package dev.distillery.datasets.clean;

import java.util.List;

/**
 * What a decontamination pass did.
 *
 * <pre>{@code DecontaminationReport r = decontaminator.run(training, kept, removed);}</pre>
 *
 * @param read    training records read
 * @param kept    records written to the kept sink
 * @param removed contaminated records written to the removed sink
 * @param matches every (eval item, training record) pair whose coverage exceeded the threshold, in input order
 */
public record DecontaminationReport(long read, long kept, long removed, List<Match> matches) {

    public DecontaminationReport {
        matches = List.copyOf(matches);
    }

    /**
     * One contamination.
     *
     * @param evalSet    the name the evaluation set was registered under
     * @param evalIndex  position of the item in that set (0-based)
     * @param evalId     the eval record's id, or {@code set#index} for raw strings
     * @param trainingId the training record's id
     * @param coverage   fraction of the eval item's tokens covered by n-grams shared with the training record
     */
    public record Match(String evalSet, int evalIndex, String evalId, String trainingId, double coverage) {
    }
}
