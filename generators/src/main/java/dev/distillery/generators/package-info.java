/**
 * Agent-style data generation over LangChain4j chat models. {@code flow} holds the plugin SPI ({@code Flow}), the
 * {@code Flows} registry and the {@code FlowRunner} entry point; {@code flows.*} the built-in flows (AgentInstruct,
 * Self-Instruct, Evol-Instruct, Orca-2 responses, critiques, preference candidates, multi-turn, chunking);
 * {@code template} the Jinja prompt templates; {@code source} seed documents; {@code model} model access (call cache,
 * accounting, adaptive concurrency, retries, structured output, providers by name).
 *
 * <pre>{@code RunReport r = FlowRunner.builder(Flows.named("self-instruct")).model("teacher", model).build().run(seeds, sink);}</pre>
 */
package dev.distillery.generators;
