/**
 * The Jlama-based trainer (SFT, DPO, LoRA) and the local model runtime. Empty until the trainer issue lands; the
 * module exists so the build, the Vector API flags and the dependency direction are fixed from the start.
 */
package dev.distillery.trainers;
