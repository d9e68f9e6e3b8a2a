package io.lifeboat.smtp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code lifeboat.smtp.*}: the inbound SMTP listener.
 *
 * @param enabled starts the listener when true
 * @param port TCP port; 0 picks a free port
 * @param bindAddress address to listen on; blank for every interface
 * @param hostname name in the greeting, the EHLO reply and the Received header
 * @param maxMessageSize largest accepted message, advertised with SIZE
 * @param maxRecipients recipients accepted per message; more get {@code 452 4.5.3}
 * @param maxConnections concurrent SMTP sessions; more are turned away with 421
 * @param commandTimeout idle time allowed while waiting for a command
 * @param dataTimeout idle time allowed between two reads while receiving DATA
 * @param tls the STARTTLS certificate
 * @param shutdownGrace time that running commands, such as a DATA in progress, get to finish when
 *     the listener stops
 * @param postmaster address that gets mail for the bare {@code RCPT TO:<postmaster>}, which may be
 *     outside the hosted domains; empty when unset, and then the bare form gets {@code 550 5.1.1}
 */
@ConfigurationProperties(prefix = "lifeboat.smtp")
public record SmtpProperties(
    Boolean enabled,
    Integer port,
    String bindAddress,
    String hostname,
    DataSize maxMessageSize,
    int maxRecipients,
    int maxConnections,
    Duration commandTimeout,
    Duration dataTimeout,
    Tls tls,
    Duration shutdownGrace,
    String postmaster) {

  /**
   * An ASCII mailbox: a dot-atom local part of at most 64 characters (RFC 5321 section 4.5.3.1.1)
   * and a domain of at least two labels of letters, digits and hyphens.
   */
  private static final Pattern MAILBOX =
      Pattern.compile(
          "(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
              + "@(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
              + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

  public SmtpProperties {
    if (enabled == null) {
      enabled = true;
    }
    if (port == null || port < 0) {
      port = 2525;
    }
    if (maxMessageSize == null) {
      maxMessageSize = DataSize.ofMegabytes(75);
    }
    if (maxRecipients <= 0) {
      maxRecipients = 100;
    }
    if (maxConnections <= 0) {
      maxConnections = 1000;
    }
    if (commandTimeout == null) {
      commandTimeout = Duration.ofMinutes(5);
    }
    if (dataTimeout == null) {
      dataTimeout = Duration.ofMinutes(10);
    }
    if (shutdownGrace == null || shutdownGrace.isNegative()) {
      shutdownGrace = Duration.ofSeconds(20);
    }
    if (tls == null) {
      tls = new Tls(null, null, null);
    }
    if (hostname == null || hostname.isBlank()) {
      hostname = localHostName();
    }
    postmaster = validPostmaster(postmaster);
  }

  /**
   * Returns the trimmed address, or empty when unset. Throws {@link IllegalArgumentException} when
   * the value is not local@domain.
   */
  private static String validPostmaster(String value) {
    if (value == null || value.isBlank()) {
      return "";
    }
    String address = value.strip();
    if (!MAILBOX.matcher(address).matches()) {
      throw new IllegalArgumentException(
          "lifeboat.smtp.postmaster is not a valid address: '"
              + value
              + "'; set it to one mailbox such as postmaster@example.net (ASCII local@domain, no"
              + " name or angle brackets), or leave it empty to reject RCPT TO:<postmaster>");
    }
    return address;
  }

  private static String localHostName() {
    try {
      return java.net.InetAddress.getLocalHost().getCanonicalHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  /**
   * The STARTTLS certificate. Without a keystore, a self-signed certificate for {@code hostname} is
   * generated into the data folder at first start and reused afterwards.
   *
   * @param keystore PKCS12 or JKS file with one private key and its certificate chain
   * @param keystorePassword password of the keystore and of its key
   * @param keystoreType {@code PKCS12} (default) or {@code JKS}
   */
  public record Tls(Path keystore, String keystorePassword, String keystoreType) {
    public Tls {
      if (keystoreType == null || keystoreType.isBlank()) {
        keystoreType = "PKCS12";
      }
    }

    @Override
    public String toString() {
      return "Tls[keystore=" + keystore + ", keystoreType=" + keystoreType + "]";
    }
  }
}
