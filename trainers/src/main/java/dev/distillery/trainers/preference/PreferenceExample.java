package dev.distillery.trainers.preference;

import dev.distillery.trainers.data.TokenizedExample;

/**
 * One tokenised preference pair: prompt + chosen and prompt + rejected, labels on the completions only, with the
 * reference model's summed log-probs of both completions (0 for reference-free losses).
 */
public record PreferenceExample(TokenizedExample chosen, TokenizedExample rejected, double refChosen, double refRejected) {

    public PreferenceExample withReference(double chosenLogProb, double rejectedLogProb) {
        return new PreferenceExample(chosen, rejected, chosenLogProb, rejectedLogProb);
    }
}
