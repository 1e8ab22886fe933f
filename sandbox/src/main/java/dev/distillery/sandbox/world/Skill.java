package dev.distillery.sandbox.world;

import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A family of verifiable tasks with several natural-language phrasings: it samples tasks, recognises its own
 * instructions inside any text (so a simulated teacher and a verifier understand prompts written by any flow
 * template), checks answers exactly, and makes plausible wrong answers for a teacher with a set error rate.
 */
public interface Skill {

    String name();

    String description();

    /** A random task in a random phrasing. */
    Task sample(SplittableRandom rng);

    /** The task whose instruction occurs in {@code text}, if any. */
    Optional<Task> parse(String text);

    /** Whether {@code response} answers {@code task} correctly (tolerant of surrounding words, exact on the answer). */
    boolean verify(Task task, String response);

    /** A plausible wrong answer: what a weak teacher gets wrong. */
    String wrongAnswer(Task task, SplittableRandom rng);
}
