package dev.distillery.generators.model.accounting;

/**
 * What a model costs, in USD per million tokens. Local models cost {@link #FREE}.
 *
 * <pre>{@code Price gpt4oMini = new Price(0.15, 0.60);}</pre>
 *
 * @param inputPerMillion  USD per 1M prompt tokens
 * @param outputPerMillion USD per 1M completion tokens
 */
public record Price(double inputPerMillion, double outputPerMillion) {

    public static final Price FREE = new Price(0, 0);

    public Price {
        if (!(inputPerMillion >= 0) || !(outputPerMillion >= 0)) {
            throw new IllegalArgumentException("prices must be >= 0 USD per million tokens, got "
                    + inputPerMillion + " / " + outputPerMillion);
        }
    }

    /** The cost of one call. */
    public double cost(long inputTokens, long outputTokens) {
        return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000.0;
    }
}
