package io.lifeboat.smtp;

/**
 * One SMTP reply line: a basic code (RFC 5321) and text that starts with an enhanced status code
 * (RFC 3463), such as {@code 250 2.1.5 Ok}.
 */
public record Reply(int code, String text) {

  public boolean positive() {
    return code < 400;
  }

  @Override
  public String toString() {
    return code + " " + text;
  }
}
