package dev.distillery.sandbox.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a round's generation budget is split across skills: uniformly, or in proportion to the student's measured error
 * rate on each skill (student-aware generation), with a floor so that no skill is forgotten.
 *
 * <pre>{@code Map<String, Integer> plan = Allocation.proportionalToError(errors, 800, 0.05);}</pre>
 */
public final class Allocation {
    private Allocation() {
    }

    /** {@code budget} split evenly; the remainder goes to the first skills. */
    public static Map<String, Integer> uniform(List<String> skills, int budget) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < skills.size(); i++) {
            out.put(skills.get(i), budget / skills.size() + (i < budget % skills.size() ? 1 : 0));
        }
        return out;
    }

    /**
     * {@code budget} split in proportion to each skill's error rate (1 − accuracy), every skill getting at least
     * {@code floorShare} of the budget; largest-remainder rounding keeps the total exact.
     */
    public static Map<String, Integer> proportionalToError(Map<String, Double> errorRates, int budget, double floorShare) {
        if (errorRates.isEmpty()) throw new IllegalArgumentException("no skills to allocate to");
        if (floorShare < 0 || floorShare * errorRates.size() > 1) {
            throw new IllegalArgumentException("floorShare " + floorShare + " must be in [0, 1/" + errorRates.size() + "]");
        }
        double sum = errorRates.values().stream().mapToDouble(e -> Math.max(0, e)).sum();
        int k = errorRates.size();
        Map<String, Double> share = new LinkedHashMap<>();
        errorRates.forEach((skill, e) -> {
            double proportional = sum == 0 ? 1.0 / k : Math.max(0, e) / sum;
            share.put(skill, floorShare + (1 - floorShare * k) * proportional);
        });
        Map<String, Integer> out = new LinkedHashMap<>();
        int given = 0;
        for (var e : share.entrySet()) {
            int n = (int) Math.floor(e.getValue() * budget);
            out.put(e.getKey(), n);
            given += n;
        }
        // Largest remainders get the leftover units, ties in skill order.
        List<String> byRemainder = share.keySet().stream().sorted((a, b) -> Double.compare(
                share.get(b) * budget - out.get(b), share.get(a) * budget - out.get(a))).toList();
        for (int i = 0; given < budget; i++, given++) out.merge(byRemainder.get(i % k), 1, Integer::sum);
        return out;
    }
}
