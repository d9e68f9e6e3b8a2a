package io.lifeboat.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gate between reading a message and storing it, which closes when the listener stops. */
class StoreGateTest {

  @Test
  void closedGateLetsNoStoreIn() throws Exception {
    StoreGate gate = new StoreGate();

    assertThat(gate.close(Duration.ZERO)).isZero();

    assertThat(gate.enter()).isFalse();
  }

  @Test
  void closeWaitsForStoresInside() throws Exception {
    StoreGate gate = new StoreGate();
    assertThat(gate.enter()).isTrue();

    CompletableFuture<Integer> closing =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return gate.close(Duration.ofSeconds(10));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(100);
    assertThat(closing).as("close waits while a store is inside").isNotDone();
    assertThat(gate.enter()).as("a store after the close began").isFalse();
    gate.leave();

    assertThat(closing.get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void closeGivesUpAfterTimeout() throws Exception {
    StoreGate gate = new StoreGate();
    assertThat(gate.enter()).isTrue();

    assertThat(gate.close(Duration.ofMillis(50))).isEqualTo(1);
  }
}
