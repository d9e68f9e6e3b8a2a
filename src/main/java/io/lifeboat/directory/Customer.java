package io.lifeboat.directory;

import java.time.Instant;
import java.util.List;

/**
 * A tenant. Its id is five digits with an optional two-letter suffix, such as {@code 44444} or
 * {@code 44444AB}.
 *
 * @param notifications whether provisioning mails every new token to its user
 * @param notificationSender the From address of notification mails, null for the default
 * @param tokenLifetimeDays days until an activation or password-reset token expires
 * @param publicBaseUrl base of this customer's token links, null for the service default
 * @param syncDeactivationLimitPercent largest share of users one sync file may delete without being
 *     forced
 */
public record Customer(
    String id,
    String name,
    List<CustomerDomain> domains,
    boolean notifications,
    String notificationSender,
    int tokenLifetimeDays,
    String publicBaseUrl,
    int syncDeactivationLimitPercent,
    Instant created,
    Instant modified) {

  public static final String ID_PATTERN = "[0-9]{5}([A-Z]{2})?";
}
