package dev.distillery.sandbox.world;

import java.util.List;

/**
 * One verifiable task of the sandbox world.
 *
 * @param skill       the skill's name, e.g. {@code add}
 * @param instruction the task as a user would ask it, in one of the skill's phrasings
 * @param answer      the exact expected answer
 * @param operands    what the task is about (numbers, words); two tasks with the same skill and operands are the
 *                    same task however they are phrased, which is what decontamination compares
 */
public record Task(String skill, String instruction, String answer, List<String> operands) {

    public Task {
        operands = List.copyOf(operands);
    }

    /** The phrasing-independent identity of the task. */
    public String key() {
        return skill + ":" + String.join("|", operands);
    }
}
