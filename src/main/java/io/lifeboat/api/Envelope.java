package io.lifeboat.api;

import io.lifeboat.web.RequestIdFilter;
import io.lifeboat.web.Timestamps;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The start of every API response body: the request id and the time of the response. */
public final class Envelope {

  private Envelope() {}

  /** Returns a mutable map holding {@code id} and {@code timestamp}, for more fields to follow. */
  public static Map<String, Object> of(HttpServletRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", RequestIdFilter.requestId(request));
    body.put("timestamp", Timestamps.format(Instant.now()));
    return body;
  }
}
