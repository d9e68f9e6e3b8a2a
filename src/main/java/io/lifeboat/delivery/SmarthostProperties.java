package io.lifeboat.delivery;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code lifeboat.smarthost.*}: the relay for mail to domains that no customer
 * hosts. Without a host, such mail goes to the recipient domain's MX hosts.
 *
 * @param host host name or address of the smarthost; blank for direct delivery by MX
 * @param port SMTP port of the smarthost
 * @param starttls whether STARTTLS is skipped, used when offered, or required
 * @param username AUTH user name; blank for no authentication
 * @param password AUTH password
 */
@ConfigurationProperties(prefix = "lifeboat.smarthost")
public record SmarthostProperties(
    String host, int port, TlsPolicy starttls, String username, String password) {

  public SmarthostProperties {
    if (port <= 0) {
      port = 25;
    }
    if (starttls == null) {
      starttls = TlsPolicy.OPPORTUNISTIC;
    }
  }

  public boolean configured() {
    return host != null && !host.isBlank();
  }

  public boolean authenticates() {
    return username != null && !username.isBlank();
  }

  @Override
  public String toString() {
    return "SmarthostProperties[host=" + host + ", port=" + port + ", starttls=" + starttls + "]";
  }
}
