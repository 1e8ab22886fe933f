package dev.distillery.trainers.training;

/** The loss or a gradient became NaN or infinite; the message names the step and tensor. */
public class TrainingDivergedException extends RuntimeException {

    public TrainingDivergedException(String message) {
        super(message);
    }
}
