package dev.distillery.generators.flow;

import dev.langchain4j.model.output.TokenUsage;

/**
 * What a call costs, for cost budgets.
 *
 * <pre>{@code Budget.cost(5.00, Pricing.perMillionTokens(0.15, 0.60))}</pre>
 */
@FunctionalInterface
public interface Pricing {

    /** The cost in the budget's currency of one call to {@code modelId} that used {@code usage}. */
    double cost(String modelId, TokenUsage usage);

    /** One price for every model, per million input and output tokens. */
    static Pricing perMillionTokens(double input, double output) {
        return (model, usage) -> usage == null ? 0
                : (nz(usage.inputTokenCount()) * input + nz(usage.outputTokenCount()) * output) / 1_000_000.0;
    }

    private static long nz(Integer n) {
        return n == null ? 0 : n;
    }
}
