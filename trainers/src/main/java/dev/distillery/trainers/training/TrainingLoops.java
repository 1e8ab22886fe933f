package dev.distillery.trainers.training;

import dev.distillery.trainers.engine.TrainingModel;

import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The public door to {@link TrainingLoop} for objectives defined in other packages (preference optimisation).
 *
 * <pre>{@code TrainingLoops.run(model, settings, out, objective, units, resume, listener, step -> evalLoss());}</pre>
 */
public final class TrainingLoops {

    private TrainingLoops() {
    }

    public static <U> SftTrainer.TrainingResult run(TrainingModel model, TrainingSettings settings, Path output,
                                                    Objective<U> objective, List<U> units, boolean resume,
                                                    TrainingListener listener, ToDoubleFunction<Integer> evaluate) {
        return new TrainingLoop<>(model, settings, output, objective).run(units, resume, listener, evaluate);
    }
}
