package io.lifeboat.directory;

import io.lifeboat.audit.Actor;
import io.lifeboat.audit.AuditLog;
import io.lifeboat.audit.AuditLog.Change;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Purges deleted users whose grace period has run out: their mailboxes through every {@link
 * MailboxPurger}, then their rows. Each user is purged in its own transaction, so one failure does
 * not hold back the others. The transaction first locks the customer and the user's state row and
 * re-checks the due date, so a user restored or purged meanwhile is left alone. A restore that
 * arrives during the purge waits for it and then creates a new user.
 */
@Component
public class PurgeJob {

  private static final Logger log = LoggerFactory.getLogger(PurgeJob.class);
  private static final int BATCH = 500;

  private final UserRepository users;
  private final CustomerRepository customers;
  private final List<MailboxPurger> purgers;
  private final AuditLog audit;
  private final TransactionTemplate transactions;
  private final Clock clock;

  public PurgeJob(
      UserRepository users,
      CustomerRepository customers,
      List<MailboxPurger> purgers,
      AuditLog audit,
      TransactionTemplate transactions,
      Clock clock) {
    this.users = users;
    this.customers = customers;
    this.purgers = purgers;
    this.audit = audit;
    this.transactions = transactions;
    this.clock = clock;
  }

  @Scheduled(
      initialDelayString = "PT1M",
      fixedDelayString = "${lifeboat.directory.purge-interval:PT10M}")
  public void run() {
    purgeDue();
  }

  /** Purges every user due now; returns how many were purged. */
  public int purgeDue() {
    Instant now = clock.instant();
    // Without the UUID's dashes the id fits audit_event.request_id, a VARCHAR(40).
    Actor actor = Actor.system("purge-" + UUID.randomUUID().toString().replace("-", ""));
    int purged = 0;
    List<User> due;
    do {
      due = users.findDueForPurge(now, BATCH);
      for (User user : due) {
        if (purgeOne(actor, user, now)) {
          purged++;
        }
      }
    } while (due.size() == BATCH && purged > 0);
    if (purged > 0) {
      log.info("Purged {} deleted users", purged);
    }
    return purged;
  }

  private boolean purgeOne(Actor actor, User user, Instant now) {
    try {
      return Boolean.TRUE.equals(
          transactions.execute(
              status -> {
                // The customer lock orders the purge with upserts, which take it first as well.
                customers.findForUpdate(user.customerId());
                if (!users.lockDueForPurge(user.id(), now)) {
                  return false;
                }
                purgers.forEach(p -> p.purge(user));
                if (!users.purge(user.id(), now)) {
                  status.setRollbackOnly();
                  return false;
                }
                audit.record(
                    actor,
                    new Change(user.customerId(), user.email(), "user.purged", null, null, null));
                return true;
              }));
    } catch (RuntimeException e) {
      log.error(
          "Purge failed customer={} user={}; retrying at the next run",
          user.customerId(),
          user.email(),
          e);
      return false;
    }
  }
}
