package dev.distillery.datasets.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A judge's verdict on a record.
 *
 * @param value     the score on the judge's own scale (a verifier uses 0 or 1)
 * @param rationale why, in the judge's words; may be null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Score(double value, String rationale) {

    public static Score of(double value) {
        return new Score(value, null);
    }
}
