package io.lifeboat.contract;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** An HTTP Basic login: an API credential of a customer, or the operator. */
record Credential(String username, String password) {

  String authorizationHeader() {
    String pair = username + ":" + password;
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }
}
