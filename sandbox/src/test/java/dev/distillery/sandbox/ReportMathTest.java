package dev.distillery.sandbox;

import dev.distillery.sandbox.report.Allocation;
import dev.distillery.sandbox.report.Diversity;
import dev.distillery.sandbox.report.SkillAccuracy;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportMathTest {

    @Test
    void bootstrapIntervalsContainTheEstimateAndShrinkWithMoreData() {
        SkillAccuracy.Builder small = SkillAccuracy.builder();
        SkillAccuracy.Builder big = SkillAccuracy.builder();
        for (int i = 0; i < 40; i++) small.add("add", i % 4 != 0);          // 30 / 40
        for (int i = 0; i < 4000; i++) big.add("add", i % 4 != 0);          // 3000 / 4000
        for (int i = 0; i < 40; i++) small.add("compare", i % 2 == 0);      // 20 / 40
        var s = small.estimate(2000, 1);
        var b = big.estimate(2000, 1);
        assertEquals(0.75, s.get("add").accuracy(), 1e-12);
        assertEquals(0.5, s.get("compare").accuracy(), 1e-12);
        assertEquals(50 / 80.0, s.get("all").accuracy(), 1e-12);
        assertEquals(80, s.get("all").n());
        for (var e : s.values()) assertTrue(e.low() <= e.accuracy() && e.accuracy() <= e.high(), e.toString());
        // Normal approximation: half-width ≈ 1.96·sqrt(p(1−p)/n) = 0.134 for n = 40, 0.0134 for n = 4000.
        double wSmall = s.get("add").high() - s.get("add").low(), wBig = b.get("add").high() - b.get("add").low();
        assertEquals(2 * 0.134, wSmall, 0.06);
        assertEquals(2 * 0.0134, wBig, 0.006);
        assertEquals(s, small.estimate(2000, 1), "same seed, same intervals");
        assertEquals("75.0% [", s.get("add").format().substring(0, 7));
    }

    @Test
    void studentAwareAllocationFollowsErrorsWithAFloorAndKeepsTheTotal() {
        Map<String, Double> errors = new LinkedHashMap<>();
        errors.put("add", 0.6);
        errors.put("compare", 0.1);
        errors.put("uppercase", 0.0);
        errors.put("sort-words", 0.3);
        Map<String, Integer> plan = Allocation.proportionalToError(errors, 1000, 0.05);
        assertEquals(1000, plan.values().stream().mapToInt(Integer::intValue).sum());
        // shares: 0.05 + 0.8·e/1.0 → add 0.53, compare 0.13, uppercase 0.05, sort 0.29
        assertEquals(530, plan.get("add"));
        assertEquals(130, plan.get("compare"));
        assertEquals(50, plan.get("uppercase"));
        assertEquals(290, plan.get("sort-words"));
        Map<String, Integer> odd = Allocation.proportionalToError(errors, 7, 0.0);
        assertEquals(7, odd.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(Map.of("a", 4, "b", 3), Map.copyOf(Allocation.uniform(List.of("a", "b"), 7)));
        Map<String, Double> perfect = Map.of("a", 0.0, "b", 0.0);
        assertEquals(Map.of("a", 5, "b", 5), Map.copyOf(Allocation.proportionalToError(perfect, 10, 0.1)));
        assertThrows(IllegalArgumentException.class, () -> Allocation.proportionalToError(errors, 10, 0.3));
    }

    @Test
    void diversityCountsDistinctNgramsAndRepeats() {
        Diversity.Summary d = Diversity.of(List.of("the cat sat", "the cat sat", "a dog ran"));
        // unigrams: 9 total, unique {the, cat, sat, a, dog, ran} = 6; bigrams: 6 total, unique 4.
        assertEquals(6 / 9.0, d.distinct1(), 1e-12);
        assertEquals(4 / 6.0, d.distinct2(), 1e-12);
        assertEquals(1 / 3.0, d.repeated(), 1e-12);
        assertEquals(0.0, Diversity.of(List.of()).repeated());
    }
}
