package dev.distillery.trainers.preference;

import java.util.Locale;

/**
 * The DPO family as functions of per-sequence summed log-probabilities, with their gradients: the trainer's backward
 * only needs dLoss/dLogProb per row, so every loss here plugs into the same engine.
 *
 * <p>Notation (trainer-math §6): π = policy log-prob summed over completion tokens, ρ = reference, n = completion
 * tokens, c/r = chosen/rejected; Δ = (π_c − ρ_c) − (π_r − ρ_r), Δ̄ = (π_c − ρ_c)/n_c − (π_r − ρ_r)/n_r,
 * π̄ = π/n. Losses follow TRL v1.9 ({@code sigmoid}, {@code ipo}, {@code hinge}, {@code robust}, {@code sigmoid_norm} =
 * open-instruct's {@code dpo_norm}) and TRL's ORPO and CPO/SimPO trainers.
 *
 * <pre>{@code
 * PreferenceLoss loss = new PreferenceLoss(PreferenceLoss.Type.SIGMOID, 0.1, 0.0, 0.0, 0.0);
 * PreferenceLoss.Pair g = loss.pair(piC, piR, rhoC, rhoR, nC, nR);   // g.loss(), g.dPiChosen(), g.dPiRejected()
 * }</pre>
 *
 * @param type           the loss
 * @param beta           β (DPO temperature; IPO's τ; ORPO's λ; SimPO's β)
 * @param labelSmoothing ε for {@code robust} (and SimPO's smoothing); in [0, 0.5)
 * @param simpoGamma     SimPO's target margin γ (TRL default 0.5)
 * @param sftWeight      weight of an added NLL term on the chosen completion (RPO; CPO's {@code cpo_alpha})
 */
public record PreferenceLoss(Type type, double beta, double labelSmoothing, double simpoGamma, double sftWeight) {

    /** The loss types; {@link #needsReference()} tells which need reference log-probs. */
    public enum Type {
        SIGMOID, IPO, SIGMOID_NORM, HINGE, ROBUST, ORPO, SIMPO;

        public boolean needsReference() {
            return this != ORPO && this != SIMPO;
        }

        /** TRL's names: sigmoid, ipo, sigmoid_norm (also dpo_norm), hinge, robust, orpo, simpo. */
        public static Type parse(String name) {
            String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            if (n.equals("dpo") || n.equals("dpo_sigmoid")) return SIGMOID;
            if (n.equals("dpo_norm")) return SIGMOID_NORM;
            for (Type t : values()) if (t.name().equalsIgnoreCase(n)) return t;
            throw new IllegalArgumentException("unknown preference loss '" + name + "', expected one of sigmoid (dpo), "
                    + "ipo, sigmoid_norm (dpo_norm), hinge, robust, orpo, simpo");
        }
    }

    public PreferenceLoss {
        if (beta <= 0) throw new IllegalArgumentException("beta must be > 0, got " + beta);
        if (labelSmoothing < 0 || labelSmoothing >= 0.5) {
            throw new IllegalArgumentException("label smoothing must be in [0, 0.5), got " + labelSmoothing);
        }
        if (sftWeight < 0) throw new IllegalArgumentException("SFT weight must be >= 0, got " + sftWeight);
    }

    /**
     * One pair's loss and its derivatives with respect to the policy's summed log-probs.
     *
     * @param loss         the pair's loss (before averaging over pairs)
     * @param dPiChosen    dLoss/dπ_c
     * @param dPiRejected  dLoss/dπ_r
     */
    public record Pair(double loss, double dPiChosen, double dPiRejected) {
    }

    /** Reference log-probs are ignored (may be 0) for reference-free losses. */
    public Pair pair(double piC, double piR, double rhoC, double rhoR, int nC, int nR) {
        if (nC < 1 || nR < 1) throw new IllegalArgumentException("a pair needs at least one completion token on each side");
        double b = beta;
        double eps = labelSmoothing;
        Pair core = switch (type) {
            case SIGMOID -> {
                double d = (piC - rhoC) - (piR - rhoR);
                double f1 = -b * sigmoid(-b * d);
                yield new Pair(-logSigmoid(b * d), f1, -f1);
            }
            case SIGMOID_NORM -> {
                double d = (piC - rhoC) / nC - (piR - rhoR) / nR;
                double f1 = -b * sigmoid(-b * d);
                yield new Pair(-logSigmoid(b * d), f1 / nC, -f1 / nR);
            }
            case IPO -> {
                double d = (piC - rhoC) / nC - (piR - rhoR) / nR;
                double x = d - 1 / (2 * b);
                yield new Pair(x * x, 2 * x / nC, -2 * x / nR);
            }
            case HINGE -> {
                double d = (piC - rhoC) - (piR - rhoR);
                double f1 = b * d < 1 ? -b : 0;
                yield new Pair(Math.max(0, 1 - b * d), f1, -f1);
            }
            case ROBUST -> {
                double d = (piC - rhoC) - (piR - rhoR);
                double loss = (-(1 - eps) * logSigmoid(b * d) + eps * logSigmoid(-b * d)) / (1 - 2 * eps);
                double f1 = -b * ((1 - eps) * sigmoid(-b * d) + eps * sigmoid(b * d)) / (1 - 2 * eps);
                yield new Pair(loss, f1, -f1);
            }
            case SIMPO -> {
                double x = piC / nC - piR / nR - simpoGamma / b;
                double loss = -(1 - eps) * logSigmoid(b * x) - eps * logSigmoid(-b * x);
                double f1 = -b * ((1 - eps) * sigmoid(-b * x) - eps * sigmoid(b * x));
                yield new Pair(loss, f1 / nC, -f1 / nR);
            }
            case ORPO -> {
                double mc = piC / nC, mr = piR / nR;
                double logOdds = (mc - mr) - (log1mexp(mc) - log1mexp(mr));
                double dOdds = -b * sigmoid(-logOdds);
                // d logOdds / d mc = 1 / (1 − e^mc); d logOdds / d mr = −1 / (1 − e^mr). The NLL term is −mc.
                double dMc = -1 + dOdds / -StrictMath.expm1(mc);
                double dMr = -dOdds / -StrictMath.expm1(mr);
                yield new Pair(-mc - b * logSigmoid(logOdds), dMc / nC, dMr / nR);
            }
        };
        if (sftWeight == 0) return core;
        return new Pair(core.loss() - sftWeight * piC / nC, core.dPiChosen() - sftWeight / nC, core.dPiRejected());
    }

    /** TRL's implicit rewards: β × summed log-ratio (0 when there is no reference, as in TRL's reference-free mode). */
    public double reward(double pi, double rho) {
        return beta * (pi - rho);
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + StrictMath.exp(-x)) : StrictMath.exp(x) / (1 + StrictMath.exp(x));
    }

    /** log σ(x) = −softplus(−x), stable for large |x|. */
    static double logSigmoid(double x) {
        return x >= 0 ? -StrictMath.log1p(StrictMath.exp(-x)) : x - StrictMath.log1p(StrictMath.exp(x));
    }

    /** log(1 − e^x) for x < 0, stable on both sides of −ln 2. */
    static double log1mexp(double x) {
        if (x >= 0) throw new IllegalArgumentException("log(1 - e^x) needs x < 0 (a log-probability), got " + x);
        return x > -StrictMath.log(2) ? StrictMath.log(-StrictMath.expm1(x)) : StrictMath.log1p(-StrictMath.exp(x));
    }
}
