/**
 * Tokenization for training: a byte-level BPE trainer that writes Hugging Face {@code tokenizer.json} /
 * {@code tokenizer_config.json} files Jlama and transformers both load, a tokenizer that reproduces Hugging Face ids
 * exactly (including non-ASCII text, where Jlama's own tokenizer loses bytes), chat-template rendering, and the SFT
 * encoder that produces ids and -100 labels.
 *
 * <pre>{@code
 * new ByteLevelBpeTrainer(ByteLevelBpeTrainer.Options.chatMl(8192).withPadTo(8192 + 256)).train(texts).write(dir);
 * SftEncoder.Result r = SftEncoder.load(dir, SftEncoder.Options.keepStart(2048)).encode(payload);
 * }</pre>
 */
package dev.distillery.trainers.tokenizer;
