/**
 * Agent-style data-generation flows (AgentInstruct, Self-Instruct, Evol-Instruct, critiques, preference candidates)
 * over LangChain4j chat models. Empty until the generators issue lands; the module exists so the build and the
 * dependency direction ({@code datasets <- generators <- orchestrator}) are fixed from the start.
 */
package dev.distillery.generators;
