package dev.distillery.judges;

import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The conformance checks fail on a provider that breaks the rules; otherwise passing them would prove nothing. */
class JudgeProviderConformanceSelfTest {

    /** Breaks every rule: unregistered, blank description, undocumented parameter, throws on empty answers. */
    static final class CarelessProvider implements JudgeProvider {
        @Override
        public String name() {
            return "careless judge";
        }

        @Override
        public String description() {
            return " ";
        }

        @Override
        public Kind kind() {
            return Kind.VERIFIER;
        }

        @Override
        public List<JudgeParameter> parameters() {
            return List.of(new JudgeParameter("x", "", "1"));
        }

        @Override
        public Judge createJudge(JudgeConfig config) {
            return new Judge() {
                @Override
                public String name() {
                    return "careless";
                }

                @Override
                public Verdict judge(JudgeInput input) {
                    if (input.response().isEmpty()) throw new IllegalArgumentException("empty response");
                    return new Verdict.Scored("careless", Double.NaN, null);
                }
            };
        }
    }

    private final JudgeProviderConformanceTest checks = new JudgeProviderConformanceTest() {
        @Override
        protected JudgeProvider provider() {
            return new CarelessProvider();
        }
    };

    @Test
    void everyBrokenRuleIsCaught() {
        assertTrue(assertThrows(AssertionError.class, checks::hasAUniqueUsableName).getMessage().contains("no whitespace"));
        assertTrue(assertThrows(AssertionError.class, checks::isDiscoverableThroughServiceLoader).getMessage().contains("META-INF/services"));
        assertTrue(assertThrows(AssertionError.class, checks::describesItselfAndItsParameters).getMessage().contains("description"));
        // A VERIFIER provider must build a Verifier; this one builds a plain Judge.
        assertTrue(assertThrows(AssertionError.class, checks::buildsWhatItsKindSays).getMessage().contains("Verifier"));
        assertTrue(assertThrows(AssertionError.class, checks::garbageModelOutputGivesVerdictsNotExceptions).getMessage().contains("threw"));
    }

    /** A judge that keeps the last input in a field: correct alone, wrong when shared between threads. */
    static final class RacyProvider implements JudgeProvider {
        @Override
        public String name() {
            return "racy";
        }

        @Override
        public String description() {
            return "scores the response length, through a shared field";
        }

        @Override
        public Kind kind() {
            return Kind.JUDGE;
        }

        @Override
        public List<JudgeParameter> parameters() {
            return List.of();
        }

        @Override
        public Judge createJudge(JudgeConfig config) {
            return new Judge() {
                private JudgeInput current;

                @Override
                public String name() {
                    return "racy";
                }

                @Override
                public Verdict judge(JudgeInput input) {
                    current = input;
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new Verdict.Scored("racy", current.response().length() + current.prompt().length(), null);
                }
            };
        }
    }

    @Test
    void sharedMutableStateInAJudgeIsCaught() {
        var check = new JudgeProviderConformanceTest() {
            @Override
            protected JudgeProvider provider() {
                return new RacyProvider();
            }
        };
        var e = assertThrows(AssertionError.class, check::givesTheSameVerdictsFromSeveralThreads);
        assertTrue(e.getMessage().contains("given concurrently"), e.getMessage());
    }

    @Test
    void aProviderThatCannotBeBuiltFromItsDocumentedDefaultsIsCaught() {
        JudgeProvider needy = new JudgeProvider() {
            @Override
            public String name() {
                return "needy";
            }

            @Override
            public String description() {
                return "needs a threshold but says it has a default";
            }

            @Override
            public Kind kind() {
                return Kind.JUDGE;
            }

            @Override
            public List<JudgeParameter> parameters() {
                return List.of(new JudgeParameter("threshold", "cut-off", "0.5"));
            }

            @Override
            public Judge createJudge(JudgeConfig config) {
                throw new IllegalArgumentException("threshold missing");
            }
        };
        var check = new JudgeProviderConformanceTest() {
            @Override
            protected JudgeProvider provider() {
                return needy;
            }
        };
        var e = assertThrows(AssertionError.class, check::buildsWhatItsKindSays);
        assertTrue(e.getMessage().contains("declares no required setting"), e.getMessage());
    }
}
