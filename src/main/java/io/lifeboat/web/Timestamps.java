package io.lifeboat.web;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Instants as the API writes them: ISO 8601 in UTC to the second, e.g. 2026-12-04T15:21:02Z. */
public final class Timestamps {

  private Timestamps() {}

  public static String format(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
