package io.lifeboat.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** Checks of the envelope that every API response carries. */
final class Envelopes {

  static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";
  static final String REQUEST_ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private Envelopes() {}

  /**
   * Checks {@code id} (equal to the {@code X-Request-Id} header) and {@code timestamp} (ISO 8601
   * UTC to the second, close to now) of a success or error body.
   */
  static JsonNode assertEnvelope(ApiResponse response) {
    JsonNode body = response.json();
    assertThat(body.path("id").asString()).as("id of %s", response).matches(REQUEST_ID);
    assertThat(body.path("id").asString())
        .as("id equals X-Request-Id of %s", response)
        .isEqualTo(response.header("X-Request-Id"));
    String timestamp = body.path("timestamp").asString();
    assertThat(timestamp).as("timestamp of %s", response).matches(TIMESTAMP);
    assertThat(Duration.between(Instant.parse(timestamp), Instant.now()).abs())
        .as("timestamp is the time of the response")
        .isLessThan(Duration.ofMinutes(1));
    return body;
  }

  /** Checks an error body: the envelope, {@code status} equal to the HTTP status, a message. */
  static JsonNode assertError(ApiResponse response, int status) {
    response.expect(status);
    JsonNode body = assertEnvelope(response);
    assertThat(body.path("status").asInt()).as("status field of %s", response).isEqualTo(status);
    assertThat(body.path("message").asString()).as("message of %s", response).isNotBlank();
    return body;
  }

  /**
   * Checks a 400 response whose {@code errors} name exactly one field, and returns that error's
   * message.
   */
  static String assertSingleFieldError(ApiResponse response, String field) {
    JsonNode body = assertError(response, 400);
    assertThat(response.errorFields()).as("fields named in %s", response).containsExactly(field);
    return body.path("errors").path(0).path("message").asString();
  }
}
