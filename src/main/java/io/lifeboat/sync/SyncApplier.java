package io.lifeboat.sync;

import io.lifeboat.account.ProvisioningService;
import io.lifeboat.audit.Actor;
import io.lifeboat.audit.AuditLog;
import io.lifeboat.audit.AuditLog.Change;
import io.lifeboat.directory.Customer;
import io.lifeboat.directory.CustomerRepository;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.directory.UpsertResult;
import io.lifeboat.directory.User;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.directory.UserRules;
import io.lifeboat.directory.UserSelection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies a valid sync file in one transaction: creates, updates and restores the listed users,
 * deletes the active users it does not list, and finishes the run with its report and audit entry.
 * Either all of that commits or none of it, also when the process dies half-way.
 */
@Service
class SyncApplier {

  private final CustomerRepository customers;
  private final DirectoryService directory;
  private final ProvisioningService provisioning;
  private final SyncRunRepository runs;
  private final AuditLog audit;
  private final SyncProperties properties;
  private final Clock clock;

  SyncApplier(
      CustomerRepository customers,
      DirectoryService directory,
      ProvisioningService provisioning,
      SyncRunRepository runs,
      AuditLog audit,
      SyncProperties properties,
      Clock clock) {
    this.customers = customers;
    this.directory = directory;
    this.provisioning = provisioning;
    this.runs = runs;
    this.audit = audit;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * A valid file that would delete more users than the customer's limit allows. Thrown before the
   * first write, so the transaction rolls back with nothing to undo.
   */
  static final class OverLimitException extends RuntimeException {
    private final transient SyncReport.Changes changes;

    OverLimitException(SyncReport.Changes changes) {
      super(
          "the file would delete "
              + changes.missing()
              + " of "
              + changes.activeBefore()
              + " users, more than the limit of "
              + changes.limitPercent()
              + " %");
      this.changes = changes;
    }

    SyncReport.Changes changes() {
      return changes;
    }
  }

  @Transactional
  SyncReport apply(SyncJob job, ParsedFile file, Actor actor) {
    // The row lock orders this run after any API change of the same customer, on every node.
    Customer customer =
        customers
            .findForUpdate(job.customerId())
            .orElseThrow(
                () -> new NotFoundException("customer " + job.customerId() + " not found"));

    // One pass over the active users finds those the file leaves out and those it lists unchanged.
    Map<String, String> activeFields = new HashMap<>();
    directory.stream(
        customer.id(), UserSelection.all(), user -> activeFields.put(user.email(), fields(user)));
    int active = activeFields.size();
    List<String> missing = new ArrayList<>();
    for (String email : activeFields.keySet()) {
      if (!file.emails().contains(email)) {
        missing.add(email);
      }
    }
    int limit = customer.syncDeactivationLimitPercent();
    if (!job.forced() && (long) missing.size() * 100 > (long) limit * active) {
      throw new OverLimitException(
          new SyncReport.Changes(0, 0, 0, 0, 0, missing.size(), active, limit, List.of()));
    }

    // Users listed exactly as they are need no write, so only the others go to the directory.
    List<UserDraft> changed = new ArrayList<>();
    for (UserDraft draft : file.users()) {
      String email = UserRules.normalizeEmail(draft.email());
      if (!fields(draft).equals(activeFields.get(email))) {
        changed.add(draft);
      }
    }
    activeFields.clear();
    int created = 0;
    int updated = 0;
    int unchanged = file.users().size() - changed.size();
    int restored = 0;
    for (int from = 0; from < changed.size(); from += DirectoryService.MAX_BULK_USERS) {
      List<UserDraft> chunk =
          changed.subList(from, Math.min(changed.size(), from + DirectoryService.MAX_BULK_USERS));
      // NOTE: as with the bulk API, new users get an activation token only when the customer has
      // notifications on, because only the mail would carry it. Otherwise the administrator
      // requests one per user with POST /{CUSTOMER}/{USER}/token.
      UpsertResult result = provisioning.putAll(actor, customer.id(), chunk);
      created += result.created();
      // The directory counts a restored user as updated too, but the report counts it once.
      updated += result.updated() - result.restored();
      unchanged += result.unchanged();
      restored += result.restored();
    }
    int deleted = directory.deleteUsers(actor, customer.id(), missing);

    List<String> listed = missing.stream().sorted().limit(properties.reportMaxEntries()).toList();
    SyncReport.Changes changes =
        new SyncReport.Changes(
            created, updated, unchanged, deleted, restored, missing.size(), active, limit, listed);
    SyncReport report =
        new SyncReport(
            job,
            SyncOutcome.APPLIED,
            appliedMessage(changes, customer.notifications()),
            clock.instant(),
            file.bytes(),
            file.lines(),
            file.users().size(),
            changes,
            0,
            List.of());
    if (!runs.finish(report)) {
      throw new IllegalStateException("sync run " + job.runId() + " is not queued any more");
    }
    audit.record(
        actor,
        new Change(customer.id(), null, "sync.applied", "file", null, SyncService.summary(report)));
    return report;
  }

  /**
   * Returns the provisioned fields of a user in one comparable string, normalized as the directory
   * stores them: optional fields empty as null, groups lower-case and sorted. Equal strings mean
   * that writing the draft would change nothing.
   */
  static String fields(User user) {
    return join(
        user.displayName(),
        user.givenName(),
        user.surName(),
        user.language(),
        user.timezone(),
        user.department(),
        user.costCenter(),
        user.phone(),
        user.mobile(),
        String.join(",", user.failoverGroups().stream().sorted().toList()));
  }

  static String fields(UserDraft draft) {
    return join(
        draft.displayName(),
        draft.givenName(),
        draft.surName(),
        draft.language(),
        draft.timezone(),
        emptyToNull(draft.department()),
        emptyToNull(draft.costCenter()),
        emptyToNull(draft.phone()),
        emptyToNull(draft.mobile()),
        String.join(
            ",", UserRules.normalizeGroups(draft.failoverGroups()).stream().sorted().toList()));
  }

  /** Joins values with a separator that no valid value contains, marking null apart from "". */
  private static String join(String... values) {
    StringBuilder joined = new StringBuilder(160);
    for (String value : values) {
      joined.append(value == null ? "\u0001" : value).append('\u0000');
    }
    return joined.toString();
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static String appliedMessage(SyncReport.Changes c, boolean notifications) {
    String message =
        "the file was applied: "
            + c.created()
            + " created, "
            + c.updated()
            + " updated, "
            + c.unchanged()
            + " unchanged, "
            + c.deleted()
            + " deleted, "
            + c.restored()
            + " restored";
    if (c.created() == 0) {
      return message;
    }
    return message
        + (notifications
            ? "; activation mails are queued for the new users"
            : "; notifications are off, so request each new user's activation token with POST"
                + " /{CUSTOMER}/{USER}/token");
  }
}
