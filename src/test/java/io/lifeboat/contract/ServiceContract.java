package io.lifeboat.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The OpenAPI document and the health endpoint. */
interface ServiceContract extends LifeboatFixture {

  @Test
  default void apiDocsListTheApiPaths() {
    ApiResponse docs = http().get("/v3/api-docs").expect(200);

    JsonNode paths = docs.json().path("paths");
    assertThat(paths.propertyNames())
        .contains(
            "/email/continuity/v2/{customer}",
            "/email/continuity/v2/{customer}/failover",
            "/email/continuity/v2/{customer}/{user}",
            "/email/continuity/v2/{customer}/{user}/failover",
            "/email/continuity/v2/{customer}/{user}/token",
            "/email/continuity/v2/{user}/password",
            "/operator/v1/customers",
            "/operator/v1/customers/{customer}",
            "/operator/v1/customers/{customer}/credentials",
            "/operator/v1/customers/{customer}/sftp",
            "/operator/v1/customers/{customer}/audit");
    assertThat(paths.path("/email/continuity/v2/{customer}").has("head")).isTrue();
    assertThat(docs.json().path("components").path("securitySchemes").has("basic")).isTrue();
  }

  @Test
  default void healthIsUp() {
    ApiResponse health = http().get("/actuator/health").expect(200);

    assertThat(health.json().path("status").asString()).isEqualTo("UP");
    assertThat(health.json().path("components").path("db").path("status").asString())
        .isEqualTo("UP");
  }

  @Test
  default void metricsNeedTheOperator() {
    http().get("/actuator/prometheus").expect(401);
    operator().get("/actuator/prometheus").expect(200);
  }
}
