package dev.distillery.generators.flow;

/**
 * Limits on what a run may spend; the first limit reached stops it. Calls already in flight finish, so tokens and
 * cost can overshoot by at most what the in-flight calls use; the call limit is never exceeded.
 *
 * <pre>{@code Budget.calls(1_000).andTokens(2_000_000).andCost(10.0, Pricing.perMillionTokens(0.15, 0.60))}</pre>
 *
 * @param maxCalls  model calls sent, or {@link Long#MAX_VALUE}
 * @param maxTokens input plus output tokens as reported by {@code ChatResponse.tokenUsage()}, or {@link Long#MAX_VALUE}
 * @param maxCost   cost under {@code pricing}, or {@link Double#POSITIVE_INFINITY}
 * @param pricing   how a call's tokens turn into cost; null when there is no cost limit
 */
public record Budget(long maxCalls, long maxTokens, double maxCost, Pricing pricing) {

    public static final Budget UNLIMITED = new Budget(Long.MAX_VALUE, Long.MAX_VALUE, Double.POSITIVE_INFINITY, null);

    public Budget {
        if (maxCalls < 0 || maxTokens < 0 || maxCost < 0) throw new IllegalArgumentException("budget limits must be >= 0");
        if (maxCost != Double.POSITIVE_INFINITY && pricing == null) {
            throw new IllegalArgumentException("a cost budget needs a pricing to turn tokens into cost");
        }
    }

    public static Budget calls(long max) {
        return UNLIMITED.andCalls(max);
    }

    public static Budget tokens(long max) {
        return UNLIMITED.andTokens(max);
    }

    public static Budget cost(double max, Pricing pricing) {
        return UNLIMITED.andCost(max, pricing);
    }

    public Budget andCalls(long max) {
        return new Budget(max, maxTokens, maxCost, pricing);
    }

    public Budget andTokens(long max) {
        return new Budget(maxCalls, max, maxCost, pricing);
    }

    public Budget andCost(double max, Pricing newPricing) {
        return new Budget(maxCalls, maxTokens, max, newPricing);
    }
}
