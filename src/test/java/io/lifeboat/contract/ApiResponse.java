package io.lifeboat.contract;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One HTTP exchange with the running application, with helpers that explain failures. */
record ApiResponse(String method, URI uri, int status, HttpHeaders headers, String body) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Returns this response, or fails naming the request and the body when the status differs. */
  ApiResponse expect(int expected) {
    if (status != expected) {
      throw new AssertionError(
          method + " " + uri + " returned " + status + ", expected " + expected + ": " + body);
    }
    return this;
  }

  JsonNode json() {
    if (body == null || body.isEmpty()) {
      throw new AssertionError(method + " " + uri + " returned " + status + " without a body");
    }
    return JSON.readTree(body);
  }

  /** Returns a top-level string field of the JSON body, or null when it is absent. */
  String text(String field) {
    JsonNode node = json().get(field);
    return node == null || node.isNull() ? null : node.asString();
  }

  String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  /** Returns the {@code field} of every entry of the error body's {@code errors}. */
  List<String> errorFields() {
    List<String> fields = new ArrayList<>();
    for (JsonNode error : json().path("errors")) {
      fields.add(error.path("field").asString());
    }
    return fields;
  }

  /** Returns the {@code message} of every entry of the error body's {@code errors}. */
  List<String> errorMessages() {
    List<String> messages = new ArrayList<>();
    for (JsonNode error : json().path("errors")) {
      messages.add(error.path("message").asString());
    }
    return messages;
  }

  @Override
  public String toString() {
    return method + " " + uri + " -> " + status + " " + body;
  }
}
