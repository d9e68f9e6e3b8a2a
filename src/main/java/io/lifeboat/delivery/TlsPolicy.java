package io.lifeboat.delivery;

/** The STARTTLS policy of an outbound SMTP connection. */
public enum TlsPolicy {
  /** Never sends STARTTLS. */
  NEVER,
  /** Uses STARTTLS when the server offers it, without checking the certificate. */
  OPPORTUNISTIC,
  /** Fails the attempt unless STARTTLS succeeds with a certificate trusted by the JVM. */
  REQUIRED
}
