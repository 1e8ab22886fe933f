package dev.distillery.judges.select;

import java.util.Objects;

/**
 * How {@link PairBuilder} picks the chosen and the rejected answer among the candidates for one prompt. Each strategy
 * makes at most one pair per prompt.
 *
 * <pre>{@code
 * PairStrategy s = PairStrategy.bestVsRandomLower("ultrafeedback-mean");
 * }</pre>
 */
public sealed interface PairStrategy {

    /** The name written to the pair's lineage step, e.g. {@code best-vs-worst}. */
    String name();

    /** Highest score against lowest (distilabel's binarisation). Ties broken by record id, smallest first. */
    static PairStrategy bestVsWorst(String score) {
        return new BestVsWorst(score);
    }

    /**
     * Highest score against a candidate drawn at random among those scored strictly lower (and at least the minimum
     * margin lower): the UltraFeedback/H4 binarisation. The draw is seeded per prompt, so reruns give the same pairs.
     */
    static PairStrategy bestVsRandomLower(String score) {
        return new BestVsRandomLower(score);
    }

    /** A verifier-passing answer (score 1) against a failing one (score below 1), in input order. */
    static PairStrategy verifierPassVsFail(String verifier) {
        return new VerifierPassVsFail(verifier, 1.0, null);
    }

    /** The teacher's answer against the student's, models recognised by their lineage model ids. */
    static PairStrategy teacherVsStudent(String teacherModel, String studentModel) {
        return new TeacherVsStudent(teacherModel, studentModel, null, null);
    }

    record BestVsWorst(String score) implements PairStrategy {
        public BestVsWorst {
            Objects.requireNonNull(score, "score");
        }

        @Override
        public String name() {
            return "best-vs-worst";
        }
    }

    record BestVsRandomLower(String score) implements PairStrategy {
        public BestVsRandomLower {
            Objects.requireNonNull(score, "score");
        }

        @Override
        public String name() {
            return "best-vs-random-lower";
        }
    }

    /**
     * @param verifier the verifier's score name
     * @param passAt   a candidate passes when its score is at least this (verifiers write 1 for pass)
     * @param rankBy   another score to pick among passing and among failing candidates (highest wins: the best
     *                 correct answer against the most convincing wrong one); null keeps input order
     */
    record VerifierPassVsFail(String verifier, double passAt, String rankBy) implements PairStrategy {
        public VerifierPassVsFail {
            Objects.requireNonNull(verifier, "verifier");
        }

        public VerifierPassVsFail rankedBy(String score) {
            return new VerifierPassVsFail(verifier, passAt, score);
        }

        @Override
        public String name() {
            return "verifier-pass-vs-fail";
        }
    }

    /**
     * @param teacher the teacher model's id
     * @param student the student model's id
     * @param field   a field of the record's {@link dev.distillery.datasets.model.SourceFields} holding the model id
     *                (e.g. {@code model} of an imported row); null looks in {@code lineage.modelIds}
     * @param score   a score to record the margin (teacher minus student) and apply the minimum margin; null for none
     */
    record TeacherVsStudent(String teacher, String student, String field, String score) implements PairStrategy {
        public TeacherVsStudent {
            Objects.requireNonNull(teacher, "teacher");
            Objects.requireNonNull(student, "student");
            if (teacher.equals(student)) throw new IllegalArgumentException("teacher and student are both " + teacher);
        }

        public TeacherVsStudent byField(String name) {
            return new TeacherVsStudent(teacher, student, name, score);
        }

        public TeacherVsStudent withScore(String name) {
            return new TeacherVsStudent(teacher, student, field, name);
        }

        @Override
        public String name() {
            return "teacher-vs-student";
        }
    }
}
