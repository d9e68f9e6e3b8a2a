package io.lifeboat.account;

import io.lifeboat.audit.Actor;
import io.lifeboat.directory.Customer;
import io.lifeboat.directory.CustomerRepository;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.directory.UpsertResult;
import io.lifeboat.directory.User;
import io.lifeboat.directory.UserDraft;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates and updates users together with their first token, in one transaction, so that a new user
 * never exists without the token that lets it activate its account.
 */
@Service
public class ProvisioningService {

  private final DirectoryService directory;
  private final TokenService tokens;
  private final CustomerRepository customers;

  public ProvisioningService(
      DirectoryService directory, TokenService tokens, CustomerRepository customers) {
    this.directory = directory;
    this.tokens = tokens;
    this.customers = customers;
  }

  /**
   * The outcome of putting one user.
   *
   * @param token the new user's activation token, null when an existing user was updated
   */
  public record PutResult(boolean created, User user, IssuedToken token) {}

  /**
   * Creates or updates one user. A new user gets an activation token, mailed when the customer has
   * notifications switched on.
   */
  @Transactional
  public PutResult put(Actor actor, String customerId, UserDraft draft) {
    UpsertResult result = directory.upsert(actor, customerId, draft);
    if (result.createdUsers().isEmpty()) {
      return new PutResult(false, directory.get(customerId, draft.email()), null);
    }
    Customer customer = customer(customerId);
    User user = result.createdUsers().get(0);
    IssuedToken token = tokens.issue(actor, customer, user, customer.notifications());
    return new PutResult(true, user, token);
  }

  /**
   * Creates or updates many users, all or nothing. New users get an activation token only when the
   * customer has notifications switched on, because only the mail would carry it.
   */
  @Transactional
  public UpsertResult putAll(Actor actor, String customerId, List<UserDraft> drafts) {
    UpsertResult result = directory.upsert(actor, customerId, drafts);
    Customer customer = customer(customerId);
    if (customer.notifications()) {
      for (User user : result.createdUsers()) {
        tokens.issue(actor, customer, user, true);
      }
    }
    return result;
  }

  /** Issues a token for an active user, voiding older ones. */
  @Transactional
  public IssuedToken issueToken(Actor actor, String customerId, String email, boolean notify) {
    User user = directory.activeUser(customerId, email);
    return tokens.issue(actor, customer(customerId), user, notify);
  }

  private Customer customer(String customerId) {
    return customers
        .find(customerId)
        .orElseThrow(() -> new NotFoundException("customer " + customerId + " not found"));
  }
}
