package dev.distillery.trainers.optim;

import java.util.Locale;

/**
 * Learning-rate schedules with linear warmup, matching Hugging Face's {@code get_*_schedule_with_warmup}: the factor
 * for optimizer step {@code s} (0-based, so the first step of a warmup runs at factor 0, as in HF).
 *
 * <pre>{@code
 * var schedule = new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, 2e-4, 10, 1000);
 * double lr = schedule.at(step);
 * }</pre>
 *
 * @param kind        constant, linear decay to 0, or cosine decay to 0
 * @param peak        the learning rate after warmup
 * @param warmupSteps steps of linear warmup from 0
 * @param totalSteps  all optimizer steps of the run
 */
public record LearningRateSchedule(Kind kind, double peak, int warmupSteps, int totalSteps) {

    public enum Kind {
        CONSTANT, LINEAR, COSINE;

        public static Kind parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown schedule '" + name + "', expected constant, linear or cosine");
            }
        }
    }

    public LearningRateSchedule {
        if (peak < 0) throw new IllegalArgumentException("learning rate must be >= 0, got " + peak);
        if (warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException("need warmup >= 0 and total steps >= 1, got " + warmupSteps + ", " + totalSteps);
        }
    }

    /** Warmup steps from a ratio of the total, rounded up like HF's {@code warmup_ratio}. */
    public static int warmupFromRatio(double ratio, int totalSteps) {
        return (int) Math.ceil(ratio * totalSteps);
    }

    public double at(int step) {
        if (step < warmupSteps) return peak * step / Math.max(1, warmupSteps);
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return switch (kind) {
            case CONSTANT -> peak;
            case LINEAR -> peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
            case COSINE -> peak * Math.max(0.0, 0.5 * (1 + StrictMath.cos(Math.PI * progress)));
        };
    }
}
