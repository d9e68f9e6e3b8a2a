package io.lifeboat.contract;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The first start in demo mode on a fresh H2 database. */
class H2FirstStartTest extends RunningLifeboat implements FirstStartContract {

  @DynamicPropertySource
  static void backend(DynamicPropertyRegistry registry) {
    TestBackends.h2(registry, "first-start");
    registry.add("lifeboat.demo", () -> "true");
  }
}
