package dev.distillery.generators.flow;

import dev.distillery.generators.model.ModelCallException;
import dev.langchain4j.model.output.TokenUsage;

import java.util.concurrent.atomic.AtomicLong;

/** A run's spending against its {@link Budget}; shared by every batch thread. */
final class Spending {

    private final Budget budget;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong inputTokens = new AtomicLong();
    private final AtomicLong outputTokens = new AtomicLong();
    private double cost;

    Spending(Budget budget) {
        this.budget = budget;
    }

    /** Reserves one call, or throws {@link ModelCallException.Kind#BUDGET_EXHAUSTED} without reserving. */
    void reserveCall() {
        if (tokens() >= budget.maxTokens()) throw exhausted("token budget of " + budget.maxTokens() + " spent");
        if (cost() >= budget.maxCost()) throw exhausted("cost budget of " + budget.maxCost() + " spent");
        // Reserve before the call so that concurrent batches can never send more calls than the limit.
        if (calls.incrementAndGet() > budget.maxCalls()) {
            calls.decrementAndGet();
            throw exhausted("call budget of " + budget.maxCalls() + " spent");
        }
    }

    void record(String modelId, TokenUsage usage) {
        if (usage == null) return;
        if (usage.inputTokenCount() != null) inputTokens.addAndGet(usage.inputTokenCount());
        if (usage.outputTokenCount() != null) outputTokens.addAndGet(usage.outputTokenCount());
        if (budget.pricing() != null) {
            double c = budget.pricing().cost(modelId, usage);
            synchronized (this) {
                cost += c;
            }
        }
    }

    boolean exhausted() {
        return calls.get() >= budget.maxCalls() || tokens() >= budget.maxTokens() || cost() >= budget.maxCost();
    }

    long calls() {
        return calls.get();
    }

    long inputTokens() {
        return inputTokens.get();
    }

    long outputTokens() {
        return outputTokens.get();
    }

    long tokens() {
        return inputTokens.get() + outputTokens.get();
    }

    synchronized double cost() {
        return cost;
    }

    private static ModelCallException exhausted(String why) {
        return new ModelCallException(ModelCallException.Kind.BUDGET_EXHAUSTED, why + "; call not sent", 0, null);
    }
}
