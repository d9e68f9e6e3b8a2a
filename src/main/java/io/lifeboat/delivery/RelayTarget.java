package io.lifeboat.delivery;

import java.util.List;

/**
 * The servers of a relay attempt: hosts tried in order until one accepts the connection, with one
 * port, TLS policy and optional AUTH for all of them.
 */
record RelayTarget(
    String name, List<String> hosts, int port, TlsPolicy tls, String username, String password) {

  @Override
  public String toString() {
    return name + " " + hosts + ":" + port;
  }
}
