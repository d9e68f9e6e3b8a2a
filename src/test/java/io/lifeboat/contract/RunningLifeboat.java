package io.lifeboat.contract;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * The whole application on a random port with a test clock. Subclasses choose the database with a
 * {@code @DynamicPropertySource} method and the scenarios by implementing contract interfaces.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestClockConfiguration.class)
abstract class RunningLifeboat implements LifeboatFixture {

  @LocalServerPort private int port;
  @Autowired private ApplicationContext context;
  private ApiClient http;

  @BeforeEach
  void connect() {
    http = ApiClient.local(port);
  }

  @AfterEach
  void resetClock() {
    clock().reset();
  }

  @Override
  public ApiClient http() {
    return http;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public ApplicationContext context() {
    return context;
  }
}
