/**
 * The local reward model: sentence embeddings (all-MiniLM-L6-v2 in process by default) with a Bradley-Terry head
 * fitted by Newton/IRLS, semi-supervised self-training (SSRM) and T-similarity ensemble confidence.
 *
 * <pre>{@code
 * RewardModel rm = RewardModelTrainer.builder().build().train(labelledPairs);
 * double p = rm.preference(prompt, answerA, answerB);   // P(A ≻ B)
 * }</pre>
 *
 * See {@code docs/reward-model.md}.
 */
package dev.distillery.judges.reward;
