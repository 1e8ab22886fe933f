#!/usr/bin/env bash
# The sandbox study as a benchmark: runs examples/sandbox.yaml and prints issue 8's goals with what was measured
# (times from the run store, effects as paired bootstrap differences from the run's report). Extra arguments are
# passed on, e.g. `bench/sandbox/run.sh --set teacher.parameters.error_rate=0.3`. Results: docs/benchmarks.md#sandbox.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -q package -DskipTests -pl orchestrator -am
./mvnw -B -q test-compile dependency:build-classpath -pl orchestrator -am -Dmdep.outputFile=target/bench-sandbox.cp
exec "$JAVA_HOME/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile=trainers/jit-directives.json -XX:+UseParallelGC \
  -cp "orchestrator/target/test-classes:orchestrator/target/classes:$(cat orchestrator/target/bench-sandbox.cp)" \
  dev.distillery.orchestrator.run.bench.SandboxBench examples/sandbox.yaml "$@"
