package dev.distillery.judges.verify.code;

import java.util.List;

/** What running a candidate in the {@link JavaSandbox} gave: rejected before running, or ran (to the end or not). */
public sealed interface SandboxResult permits SandboxResult.Rejected, SandboxResult.Ran {

    /** Where a candidate was stopped before it ran. */
    enum Stage { COMPILE, BYTECODE, METHOD, ARGUMENTS }

    /** Never started: it did not compile, referenced a forbidden class or member, or has no callable method. */
    record Rejected(Stage stage, String reason) implements SandboxResult {
    }

    /** How the child JVM ended. */
    enum Termination { COMPLETED, TIMED_OUT, OUT_OF_MEMORY, CRASHED }

    /**
     * @param cases        one outcome per test case, in order (cases after a kill are {@link CaseStatus#NOT_RUN})
     * @param termination  how the child ended
     * @param detail       for a kill or crash: which limit, exit code, the tail of stderr; else empty
     * @param millis       wall-clock time of the child process
     * @param isolatedNetwork whether the child ran in its own network namespace
     */
    record Ran(List<CaseOutcome> cases, Termination termination, String detail, long millis, boolean isolatedNetwork)
            implements SandboxResult {
        public Ran {
            cases = List.copyOf(cases);
        }

        public boolean allPassed() {
            return termination == Termination.COMPLETED && cases.stream().allMatch(c -> c.status() == CaseStatus.PASSED);
        }
    }

    /** PASSED, a wrong value, a throw, killed by a limit, never reached, or arguments that did not fit the method. */
    enum CaseStatus { PASSED, WRONG_ANSWER, EXCEPTION, KILLED, NOT_RUN, BAD_INPUT }

    /**
     * @param index  the case number, from 0
     * @param status what happened
     * @param actual the returned value as JSON, or the exception, or null
     */
    record CaseOutcome(int index, CaseStatus status, String actual) {
    }
}
