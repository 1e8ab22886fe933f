/**
 * Judges, verifiers, heuristic filters and the local reward model. Empty until the judges issue lands; the module
 * exists so the build and the dependency direction ({@code datasets <- judges <- orchestrator}) are fixed.
 */
package dev.distillery.judges;
