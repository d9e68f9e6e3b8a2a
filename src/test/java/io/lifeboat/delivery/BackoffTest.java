package io.lifeboat.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Retry waits with the default settings: 1 minute, doubling, at most 1 hour, plus up to 10%. */
class BackoffTest {

  @ParameterizedTest
  @CsvSource({"1, 60", "2, 120", "3, 240", "6, 1920", "7, 3600", "20, 3600", "1000, 3600"})
  void waitDoublesUpToMax(int attempts, long expectedSeconds) {
    for (int i = 0; i < 50; i++) {
      Duration wait = Backoff.after(attempts, Duration.ofMinutes(1), Duration.ofHours(1));
      assertThat(wait).isGreaterThanOrEqualTo(Duration.ofSeconds(expectedSeconds));
      assertThat(wait).isLessThan(Duration.ofSeconds(expectedSeconds + expectedSeconds / 10 + 1));
    }
  }
}
