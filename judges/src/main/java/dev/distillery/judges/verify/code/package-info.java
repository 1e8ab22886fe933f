/**
 * Code answers checked by running them: {@link dev.distillery.judges.verify.code.JavaSandbox} compiles a Java
 * answer, verifies its bytecode against an allowlist ({@link dev.distillery.judges.verify.code.BytecodePolicy}) and
 * runs it against test cases in a child JVM with time and memory limits, an empty environment, a throw-away
 * working directory and, where the kernel allows, its own network namespace.
 * {@link dev.distillery.judges.verify.code.JavaTestVerifier} ({@code java-tests}) turns that into a verdict.
 *
 * <pre>{@code SandboxResult r = JavaSandbox.builder().build().run(source, TestSpec.parse(specJson));}</pre>
 */
package dev.distillery.judges.verify.code;
