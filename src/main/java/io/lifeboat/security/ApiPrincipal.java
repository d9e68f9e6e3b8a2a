package io.lifeboat.security;

/**
 * An authenticated caller of the REST APIs.
 *
 * @param username the API credential's username, or {@code operator}
 * @param customerId the only customer the credential may act on; null for the operator
 */
public record ApiPrincipal(String username, String customerId) {

  public boolean isOperator() {
    return customerId == null;
  }
}
