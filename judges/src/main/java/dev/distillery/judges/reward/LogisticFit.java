package dev.distillery.judges.reward;

/**
 * What {@link LogisticNewton#fit} found.
 *
 * <pre>{@code LogisticFit fit = LogisticNewton.fit(x, y, null, LogisticNewton.Options.DEFAULT);}</pre>
 *
 * @param weights      the minimiser w
 * @param iterations   Newton steps taken
 * @param gradientNorm Euclidean norm of the objective's gradient at {@code weights}
 * @param objective    the penalised negative log-likelihood at {@code weights}
 * @param converged    whether the gradient norm fell below the tolerance within the iteration limit
 */
public record LogisticFit(double[] weights, int iterations, double gradientNorm, double objective, boolean converged) {

    public LogisticFit {
        weights = weights.clone();
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }
}
