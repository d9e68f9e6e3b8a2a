package io.lifeboat.testing;

import io.lifeboat.account.IssuedToken;
import io.lifeboat.account.ProvisioningService;
import io.lifeboat.account.TokenService;
import io.lifeboat.audit.Actor;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.Flag;
import io.lifeboat.directory.UserDraft;
import java.util.List;

/**
 * Webmail users made through the real provisioning, token and directory services, in the steps a
 * customer and the user take: create the user, set a password with its token, switch flags on.
 */
public final class WebmailAccounts {

  private final ProvisioningService provisioning;
  private final TokenService tokens;
  private final DirectoryService directory;

  public WebmailAccounts(
      ProvisioningService provisioning, TokenService tokens, DirectoryService directory) {
    this.provisioning = provisioning;
    this.tokens = tokens;
    this.directory = directory;
  }

  /** Returns a user in English and London time whose given name and surname split {@code name}. */
  public static UserDraft user(String address, String name, String department, String phone) {
    String[] parts = name.split(" ");
    return new UserDraft(
        address,
        name,
        parts[0],
        parts[1],
        "en_GB",
        "Europe/London",
        department,
        null,
        phone,
        null,
        List.of());
  }

  /**
   * Creates the user, sets its password with an activation token and switches on {@code flags}.
   * Returns the user's address.
   */
  public String create(String customerId, UserDraft user, String password, Flag... flags) {
    provisioning.put(actor(), customerId, user);
    IssuedToken token = provisioning.issueToken(actor(), customerId, user.email(), false);
    tokens.setPassword(actor(), user.email(), token.token(), password);
    for (Flag flag : flags) {
      directory.setFlag(actor(), customerId, user.email(), flag, true);
    }
    return user.email();
  }

  /** Returns an actor with a request id of its own, as each request of a client has. */
  public static Actor actor() {
    return new Actor("test-" + System.nanoTime(), "test", "127.0.0.1");
  }
}
