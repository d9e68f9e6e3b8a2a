package io.lifeboat.api;

import java.io.IOException;

/** A request body above {@code lifeboat.api.max-body-bytes}. */
public class PayloadTooLargeException extends IOException {
  public PayloadTooLargeException(long limit) {
    super(
        "request body is larger than "
            + limit
            + " bytes; send fewer users per request or raise lifeboat.api.max-body-bytes");
  }
}
