/**
 * Local model runtime: a loaded model directory ({@link dev.distillery.trainers.runtime.LocalModel}, Jlama or the
 * trainer's engine behind it), generation ({@link dev.distillery.trainers.runtime.Generator}), exact scoring
 * ({@link dev.distillery.trainers.runtime.Scorer}) and LangChain4j chat models
 * ({@link dev.distillery.trainers.runtime.LocalChatModel}, {@link dev.distillery.trainers.runtime.LocalStreamingChatModel}).
 *
 * <pre>{@code
 * try (LocalModel m = LocalModel.load(Path.of("models/tiny"))) {
 *     String answer = LocalChatModel.builder(m).temperature(0.0).build().chat("What is 2+2?");
 * }
 * }</pre>
 */
package dev.distillery.trainers.runtime;
