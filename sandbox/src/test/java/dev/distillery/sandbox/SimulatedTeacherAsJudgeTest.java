package dev.distillery.sandbox;

import dev.distillery.judges.llm.PTrueJudge;
import dev.distillery.judges.llm.ReferenceMode;
import dev.distillery.judges.llm.SingleGradeJudge;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.sandbox.teacher.SimulatedTeacher;
import dev.distillery.sandbox.world.Skill;
import dev.distillery.sandbox.world.Task;
import dev.distillery.sandbox.world.TaskWorld;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoublePredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulated teacher asked by the real {@code single-grade} and {@code p-true} judges (their built-in prompts,
 * their parsers): its verdicts must disagree with the sandbox's verifier at the configured rates, and always parse.
 */
class SimulatedTeacherAsJudgeTest {

    final TaskWorld world = TaskWorld.standard();

    /** One answer to judge, with its truth by the sandbox's verifier. */
    record Item(Task task, String answer, boolean right) {
    }

    /**
     * {@code perSkill} tasks of every skill, the first half answered right and the second half wrong (the skill's own
     * plausible mistakes), some answers bare and some worked through, as a teacher writes them.
     */
    private List<Item> items(int perSkill, long seed) {
        List<Item> out = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(seed);
        for (String name : world.skillNames()) {
            Skill skill = world.skill(name);
            List<Task> tasks = world.sample(name, perSkill, seed);
            for (int i = 0; i < tasks.size(); i++) {
                Task t = tasks.get(i);
                String a = i < perSkill / 2 ? t.answer() : skill.wrongAnswer(t, rng);
                if (rng.nextBoolean()) a = "Let me work through it.\nAnswer: " + a;
                boolean right = world.verify(t.instruction(), a);
                // The ground truth is the verifier's; it must agree with how the item was made.
                assertEquals(i < perSkill / 2, right, t + " -> " + a);
                out.add(new Item(t, a, right));
            }
        }
        return out;
    }

    /** Measured false-pass and false-fail rates of {@code judge} on {@code items}, failing on any unparsed verdict. */
    private double[] rates(Judge judge, List<Item> items, DoublePredicate passes) {
        int wrong = 0, right = 0, falsePass = 0, falseFail = 0;
        for (Item it : items) {
            Verdict v = judge.judge(new JudgeInput(it.task().instruction(), it.answer(), null));
            Verdict.Scored s = assertInstanceOf(Verdict.Scored.class, v, () -> "unparsed verdict for " + it + ": " + v);
            boolean pass = passes.test(s.score());
            if (it.right()) {
                right++;
                if (!pass) falseFail++;
            } else {
                wrong++;
                if (pass) falsePass++;
            }
        }
        return new double[] {(double) falsePass / wrong, (double) falseFail / right};
    }

    private static void assertRate(double expected, double measured, int n, String what) {
        // Four binomial standard deviations: a correct simulator fails this about once in 16,000 runs.
        double tolerance = 4 * Math.sqrt(expected * (1 - expected) / n);
        assertEquals(expected, measured, tolerance, what + " over " + n + " answers");
    }

    @Test
    void singleGradeVerdictsDisagreeWithTheVerifierAtTheConfiguredRates() {
        SimulatedTeacher teacher = SimulatedTeacher.builder(world).judgeFalsePass(0.2).judgeFalseFail(0.1).seed(11).build();
        Judge judge = SingleGradeJudge.builder(teacher).build();
        List<Item> items = items(250, 5);
        assertEquals(2000, items.size());
        double[] r = rates(judge, items, score -> score >= 6);
        assertRate(0.2, r[0], 1000, "false-pass rate");
        assertRate(0.1, r[1], 1000, "false-fail rate");
        // Judging is not answering: the teacher's own answer tally (a study's ground truth) is untouched.
        assertTrue(teacher.tally().isEmpty(), teacher.tally().toString());
    }

    @Test
    void pTrueVerdictsDisagreeWithTheVerifierAtTheDefaultRates() {
        SimulatedTeacher teacher = SimulatedTeacher.builder(world).seed(12).build();
        assertEquals(0.15, teacher.judgeFalsePass());
        assertEquals(0.10, teacher.judgeFalseFail());
        // Sampling (the teacher has no log-probabilities): 5 samples at temperature 1 per answer.
        Judge judge = PTrueJudge.builder(teacher).build();
        List<Item> items = items(250, 6);
        double[] r = rates(judge, items, p -> p >= 0.5);
        assertRate(0.15, r[0], 1000, "false-pass rate");
        assertRate(0.10, r[1], 1000, "false-fail rate");
    }

    @Test
    void aMistakeIsSystematicSoEverySampleOfAnItemAgrees() {
        SimulatedTeacher teacher = SimulatedTeacher.builder(world).judgeFalsePass(0.5).judgeFalseFail(0.5).seed(3).build();
        Judge judge = PTrueJudge.builder(teacher).samples(7).build();
        int ones = 0;
        List<Item> items = items(20, 8);
        for (Item it : items) {
            Verdict.Scored s = (Verdict.Scored) judge.judge(new JudgeInput(it.task().instruction(), it.answer(), null));
            assertTrue(s.score() == 0.0 || s.score() == 1.0, s.toString());
            assertTrue(s.rationale().startsWith(s.score() == 1.0 ? "7 of 7 samples True" : "0 of 7 samples True"), s.rationale());
            if (s.score() == 1.0) ones++;
        }
        // At rates of one half the verdict is a coin toss per item, not a constant.
        assertTrue(ones > 40 && ones < 120, ones + " of " + items.size() + " passed");
    }

    @Test
    void ratingsSpreadOverAPassBandAndAFailBandWithAnExplanationFirst() {
        SimulatedTeacher teacher = SimulatedTeacher.builder(world).judgeFalsePass(0).judgeFalseFail(0).build();
        Judge judge = SingleGradeJudge.builder(teacher).build();
        java.util.Set<Double> passRatings = new java.util.TreeSet<>();
        java.util.Set<Double> failRatings = new java.util.TreeSet<>();
        for (Item it : items(40, 9)) {
            Verdict.Scored s = (Verdict.Scored) judge.judge(new JudgeInput(it.task().instruction(), it.answer(), null));
            (it.right() ? passRatings : failRatings).add(s.score());
            assertTrue(s.rationale().startsWith("The question asks to "), s.rationale());
            assertTrue(s.rationale().endsWith("Rating: [[" + (int) s.score() + "]]"), s.rationale());
        }
        assertEquals(List.of(7.0, 8.0, 9.0, 10.0), List.copyOf(passRatings));
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0), List.copyOf(failRatings));
    }

    @Test
    void zeroRatesAgreeWithTheVerifierAndFullRatesInvertItForBothJudgesAndTheReferencePrompt() {
        List<Item> items = items(10, 4);
        SimulatedTeacher exact = SimulatedTeacher.builder(world).judgeFalsePass(0).judgeFalseFail(0).build();
        SimulatedTeacher contrary = SimulatedTeacher.builder(world).judgeFalsePass(1).judgeFalseFail(1).build();
        for (Item it : items) {
            // The reference-guided prompt has a reference section between the question and the answer.
            JudgeInput withReference = new JudgeInput(it.task().instruction(), it.answer(), it.task().answer());
            JudgeInput plain = new JudgeInput(it.task().instruction(), it.answer(), null);
            Judge ref = SingleGradeJudge.builder(exact).referenceMode(ReferenceMode.REQUIRED).build();
            assertEquals(it.right(), score(ref, withReference) >= 6, "reference-guided: " + it);
            assertEquals(it.right(), score(PTrueJudge.builder(exact).build(), plain) == 1.0, "p-true: " + it);
            assertEquals(!it.right(), score(SingleGradeJudge.builder(contrary).build(), plain) >= 6, "contrary: " + it);
            assertEquals(!it.right(), score(PTrueJudge.builder(contrary).build(), plain) == 1.0, "contrary p-true: " + it);
        }
    }

    private static double score(Judge judge, JudgeInput input) {
        Verdict v = judge.judge(input);
        return assertInstanceOf(Verdict.Scored.class, v, () -> "unparsed: " + v).score();
    }

    @Test
    void verdictsAreReproducibleFromTheSeedAndDifferAcrossSeeds() {
        List<Item> items = items(50, 10);
        List<String> first = verdicts(SimulatedTeacher.builder(world).seed(21).build(), items);
        List<String> again = verdicts(SimulatedTeacher.builder(world).seed(21).build(), items);
        List<String> other = verdicts(SimulatedTeacher.builder(world).seed(22).build(), items);
        assertEquals(first, again);
        assertNotEquals(first, other);
    }

    private List<String> verdicts(SimulatedTeacher teacher, List<Item> items) {
        Judge single = SingleGradeJudge.builder(teacher).build();
        Judge pTrue = PTrueJudge.builder(teacher).build();
        List<String> out = new ArrayList<>();
        for (Item it : items) {
            JudgeInput in = new JudgeInput(it.task().instruction(), it.answer(), null);
            out.add(single.judge(in) + " | " + pTrue.judge(in));
        }
        return out;
    }

    @Test
    void aJudgePromptIsJudgedEvenWhenItsQuestionReadsLikeARequestForNewTasks() {
        SimulatedTeacher teacher = SimulatedTeacher.builder(world).judgeFalsePass(0).judgeFalseFail(0).build();
        // "more questions" alone makes a plain prompt a task-writing request; inside a judge prompt it is the question.
        String question = "Here are more questions for practice. What is 12 + 30?";
        assertTrue(teacher.chat(question).lines().count() > 1, "a plain prompt like this one asks for new tasks");
        Verdict right = SingleGradeJudge.builder(teacher).build().judge(new JudgeInput(question, "42", null));
        Verdict wrong = PTrueJudge.builder(teacher).build().judge(new JudgeInput(question, "41", null));
        assertTrue(((Verdict.Scored) right).score() >= 7, right.toString());
        assertEquals(0.0, ((Verdict.Scored) wrong).score(), wrong.toString());
    }

    @Test
    void aQuestionWithoutASandboxTaskIsARecordedFailureThatSaysWhy() {
        SimulatedTeacher teacher = SimulatedTeacher.builder(world).build();
        for (Judge judge : List.of(SingleGradeJudge.builder(teacher).attempts(1).build(), PTrueJudge.builder(teacher).build())) {
            Verdict v = judge.judge(new JudgeInput("Tell me a joke.", "Why did the chicken cross the road?", null));
            Verdict.Failed f = assertInstanceOf(Verdict.Failed.class, v, v::toString);
            assertTrue(f.rawOutput().contains("can judge only answers to the sandbox's tasks"), f.toString());
        }
    }

    @Test
    void judgeRatesOutsideZeroToOneAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> SimulatedTeacher.builder(world).judgeFalsePass(1.5));
        assertEquals("judgeFalsePass must be in [0, 1], got 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SimulatedTeacher.builder(world).judgeFalseFail(-0.1));
    }
}
