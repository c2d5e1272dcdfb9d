package dev.spavl.judge;

import dev.spavl.judge.config.JudgeConfig;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** JudgeConfig values for tests that build judges without Quarkus. */
public record TestJudgeConfig(Pairwise pairwise, Safety safety, int parseRetries, int maxAttempts) implements JudgeConfig {

    public static TestJudgeConfig of(String provider, URI endpoint, String model, Duration timeout, int maxAttempts) {
        Settings s = new Settings(provider, endpoint, model, timeout);
        return new TestJudgeConfig(s, s, 2, maxAttempts);
    }

    public static TestJudgeConfig offline() {
        return of("offline", null, null, Duration.ofSeconds(5), 1);
    }

    @Override
    public Retry retry() {
        return new Retry() {
            public int maxAttempts() {
                return maxAttempts;
            }

            public Duration initialBackoff() {
                return Duration.ofMillis(50);
            }

            public Duration maxBackoff() {
                return Duration.ofMillis(200);
            }
        };
    }

    @Override
    public CircuitBreaker circuitBreaker() {
        return new CircuitBreaker() {
            public int failureRatePercent() {
                return 100;
            }

            public int minimumCalls() {
                return 100;
            }

            public int window() {
                return 100;
            }

            public Duration openFor() {
                return Duration.ofSeconds(30);
            }
        };
    }

    /** One model's settings; the same for both tasks. */
    public record Settings(String provider, URI url, String model, Duration timeout) implements Pairwise, Safety {
        public Optional<URI> endpoint() {
            return Optional.ofNullable(url);
        }

        public Optional<String> modelName() {
            return Optional.ofNullable(model);
        }

        public Optional<String> apiKeyEnv() {
            return Optional.empty();
        }

        public double temperature() {
            return 0;
        }

        public int maxTokens() {
            return 256;
        }

        public int requestsPerMinute() {
            return 0;
        }

        public long tokensPerMinute() {
            return 0;
        }

        public BigDecimal priceInputPer1k() {
            return new BigDecimal("0.001");
        }

        public BigDecimal priceOutputPer1k() {
            return new BigDecimal("0.002");
        }

        public String template() {
            throw new UnsupportedOperationException("tests pass templates themselves");
        }

        public boolean withImage() {
            return true;
        }
    }
}
