package io.lifeboat.audit;

/**
 * Who made a change, for the audit log.
 *
 * @param requestId the id returned to the client and written to the log
 * @param name the API credential's username, {@code operator}, {@code token} for a password set
 *     with a token, or {@code system} for scheduled jobs
 * @param clientAddress the client's IP address, null for scheduled jobs
 */
public record Actor(String requestId, String name, String clientAddress) {

  public static Actor system(String requestId) {
    return new Actor(requestId, "system", null);
  }
}
