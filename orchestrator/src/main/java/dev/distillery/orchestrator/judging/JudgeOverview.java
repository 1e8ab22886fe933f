package dev.distillery.orchestrator.judging;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * What a run's judges did, per judge stage: which scores each wrote, how they are distributed, how many records
 * each passed, failed or could not judge, and report cards against a reference where the records carry one. Made by
 * {@link JudgeOverviews}; served as {@code GET /api/runs/{id}/judges} and drawn by the dashboard.
 *
 * @param run    the run id
 * @param limit  at most this many records of each stage were read (a stage with more says {@code truncated})
 * @param stages the run's judge stages in pipeline order
 */
public record JudgeOverview(String run, long limit, List<Stage> stages) {

    public JudgeOverview {
        stages = List.copyOf(stages);
    }

    /**
     * One judge stage.
     *
     * @param stage          the stage name
     * @param judge          the judge the stage runs (its {@code judge:} key)
     * @param judgeKind      judge, pairwise or verifier; null when the judge is not installed here
     * @param status         the stage's status in the run store (null when it has not started)
     * @param records        records read from the stage's output
     * @param truncated      whether the stage has more records than {@link JudgeOverview#limit()}
     * @param failed         records that carry none of the stage's scores: the judge failed on them
     * @param failureReasons the most frequent reasons in {@code judge-failures.jsonl}, most frequent first
     * @param scores         the scores this stage wrote
     * @param reportCards    each judge score measured against a reference score on the same records: the judges
     *                       module's report card JSON ({@code docs/judge-report.md}) plus {@code stage}, the stage
     *                       whose records it was computed on, and {@code text}, the same card as a fixed-width table
     * @param notes          what to keep in mind reading the rest (e.g. how the stage's scores were told apart)
     */
    public record Stage(String stage, String judge, String judgeKind, String status, long records, boolean truncated,
                        long failed, List<Reason> failureReasons, List<ScoreSummary> scores, List<JsonNode> reportCards,
                        List<String> notes) {
        public Stage {
            failureReasons = List.copyOf(failureReasons);
            scores = List.copyOf(scores);
            reportCards = List.copyOf(reportCards);
            notes = List.copyOf(notes);
        }
    }

    /** A failure reason and how many failures gave it. */
    public record Reason(String reason, long count) {
    }

    /**
     * One score a judge stage wrote.
     *
     * @param name      the score's name in the records ({@code scores.<name>})
     * @param scored    records carrying it
     * @param missing   records read without it
     * @param min       smallest value (null when none)
     * @param max       largest value
     * @param mean      mean value
     * @param histogram its distribution
     * @param passed    records that pass by {@code passRule}; null when there is no rule
     * @param failed    scored records that do not pass; null when there is no rule
     * @param passRule  what passing means here: the filter stage that uses the score, or a 0/1 score's 1
     */
    public record ScoreSummary(String name, long scored, long missing, Double min, Double max, Double mean,
                               ScoreHistogram histogram, Long passed, Long failed, String passRule) {
    }
}
