package io.lifeboat.directory;

import io.lifeboat.audit.Actor;
import io.lifeboat.audit.AuditLog;
import io.lifeboat.audit.AuditLog.Change;
import io.lifeboat.config.LifeboatProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changes to a customer's users, each in one transaction with its audit entries. Callers have
 * already checked that the actor may act on the customer.
 */
@Service
public class DirectoryService {

  private static final Logger log = LoggerFactory.getLogger(DirectoryService.class);

  /** The largest number of users one bulk request may create or update. */
  public static final int MAX_BULK_USERS = 10_000;

  private final CustomerRepository customers;
  private final UserRepository users;
  private final AuditLog audit;
  private final Clock clock;
  private final LifeboatProperties properties;

  public DirectoryService(
      CustomerRepository customers,
      UserRepository users,
      AuditLog audit,
      Clock clock,
      LifeboatProperties properties) {
    this.customers = customers;
    this.users = users;
    this.audit = audit;
    this.clock = clock;
    this.properties = properties;
  }

  @Transactional(readOnly = true)
  public long count(String customerId, UserSelection selection) {
    return users.count(customerId, selection);
  }

  /** Streams the matching users to {@code sink} inside one read-only transaction. */
  @Transactional(readOnly = true)
  public void stream(String customerId, UserSelection selection, Consumer<User> sink) {
    users.stream(customerId, selection, sink);
  }

  /** Returns a customer's user, deleted ones included, or throws {@link NotFoundException}. */
  @Transactional(readOnly = true)
  public User get(String customerId, String email) {
    return users
        .find(customerId, UserRules.normalizeEmail(email))
        .orElseThrow(() -> userNotFound(email));
  }

  /**
   * Creates or updates users, all or nothing: one invalid draft rejects the whole request and every
   * invalid entry is reported with its index, such as {@code users[0].language}.
   */
  @Transactional
  public UpsertResult upsert(Actor actor, String customerId, List<UserDraft> drafts) {
    return upsert(actor, customerId, drafts, true);
  }

  /** Creates or updates one user; violations name the plain field, such as {@code language}. */
  @Transactional
  public UpsertResult upsert(Actor actor, String customerId, UserDraft draft) {
    return upsert(actor, customerId, List.of(draft), false);
  }

  private UpsertResult upsert(
      Actor actor, String customerId, List<UserDraft> drafts, boolean indexed) {
    if (drafts.size() > MAX_BULK_USERS) {
      throw new InvalidInputException(
          "users",
          Integer.toString(drafts.size()),
          "users must list at most 10000 users per request, but lists "
              + drafts.size()
              + "; split the request");
    }
    lockCustomer(customerId);
    Set<String> domains = customers.domainNames(customerId);
    List<UserDraft> normalized = validateAll(drafts, domains, indexed);

    Map<String, User> existing =
        users.findByEmails(normalized.stream().map(UserDraft::email).toList());
    Instant now = clock.instant();
    List<UserDraft> fresh = new ArrayList<>();
    List<Change> changes = new ArrayList<>();
    int updated = 0;
    int restored = 0;
    for (UserDraft draft : normalized) {
      User before = existing.get(draft.email());
      if (before == null) {
        fresh.add(draft);
        changes.add(new Change(customerId, draft.email(), "user.created", null, null, null));
        continue;
      }
      if (!before.customerId().equals(customerId)) {
        throw new ConflictException(
            "user " + draft.email() + " belongs to another customer; ask the operator");
      }
      List<Change> diff = differences(before, draft);
      if (before.isDeleted()) {
        restored++;
        diff.add(
            0,
            new Change(
                customerId,
                draft.email(),
                "user.restored",
                "deletionDue",
                before.deletionDue() + "",
                null));
      }
      if (diff.isEmpty()) {
        continue;
      }
      updated++;
      users.update(before.id(), draft, now);
      if (diff.stream().anyMatch(change -> "failoverGroups".equals(change.field()))) {
        users.replaceGroups(before.id(), draft.failoverGroups());
      }
      changes.addAll(diff);
    }
    List<User> created = createAll(customerId, fresh, now);
    audit.recordAll(actor, changes);
    int unchanged = normalized.size() - created.size() - updated;
    log.info(
        "Upserted users customer={} created={} updated={} unchanged={} restored={}",
        customerId,
        created.size(),
        updated,
        unchanged,
        restored);
    return new UpsertResult(created.size(), updated, unchanged, restored, created);
  }

  /**
   * Sets or clears a flag for every active user in the selection. Users that already have the value
   * are left alone and not counted. Returns the number of users changed.
   */
  @Transactional
  public int setFlag(
      Actor actor, String customerId, UserSelection selection, Flag flag, boolean value) {
    lockCustomer(customerId);
    Instant now = clock.instant();
    int changed = users.setFlag(customerId, selection, flag, value, actor.requestId(), now);
    if (changed > 0) {
      String action = value ? "flag.set" : "flag.cleared";
      audit.recordFlagChanges(actor, customerId, actor.requestId(), action, flag.column(), value);
    }
    log.info(
        "Switched flag customer={} flag={} value={} groups={} affectedUsers={}",
        customerId,
        flag.column(),
        value,
        selection.groups(),
        changed);
    return changed;
  }

  /** Sets or clears one user's flag; returns whether it changed. */
  @Transactional
  public boolean setFlag(Actor actor, String customerId, String email, Flag flag, boolean value) {
    User user = activeUser(customerId, email);
    boolean changed = users.setFlag(user.id(), flag, value, clock.instant());
    if (changed) {
      audit.record(
          actor,
          new Change(
              customerId,
              user.email(),
              value ? "flag.set" : "flag.cleared",
              flag.column(),
              Boolean.toString(!value),
              Boolean.toString(value)));
      log.info(
          "Switched flag customer={} user={} flag={} value={}",
          customerId,
          user.email(),
          flag.column(),
          value);
    }
    return changed;
  }

  /**
   * Deletes the active users in the selection: login and routing stop at once and the purge is due
   * after the deletion grace. Returns the number of users deleted.
   */
  @Transactional
  public int delete(Actor actor, String customerId, UserSelection selection) {
    lockCustomer(customerId);
    Instant now = clock.instant();
    Instant due = now.plus(properties.directory().deletionGrace());
    int deleted = users.markDeleted(customerId, selection, actor.requestId(), now, due);
    if (deleted > 0) {
      users.deleteTokensOfDeleted(customerId, actor.requestId());
      List<Change> changes = new ArrayList<>();
      for (String email : users.emailsChangedBy(customerId, actor.requestId())) {
        changes.add(new Change(customerId, email, "user.deleted", "deletionDue", null, due + ""));
      }
      audit.recordAll(actor, changes);
    }
    log.info("Deleted users customer={} affectedUsers={} purgeDue={}", customerId, deleted, due);
    return deleted;
  }

  /**
   * Deletes the listed active users of a customer, as the selection delete does, and skips unknown
   * and deleted users. The directory sync uses it for the users missing from its file. Returns the
   * number of users deleted.
   */
  @Transactional
  public int deleteUsers(Actor actor, String customerId, Collection<String> emails) {
    if (emails.isEmpty()) {
      return 0;
    }
    Instant now = clock.instant();
    Instant due = now.plus(properties.directory().deletionGrace());
    List<String> addresses = emails.stream().map(UserRules::normalizeEmail).toList();
    int deleted = users.markDeleted(customerId, addresses, actor.requestId(), now, due);
    if (deleted > 0) {
      users.deleteTokensOfDeleted(customerId, actor.requestId());
      List<Change> changes = new ArrayList<>();
      for (String email : users.emailsChangedBy(customerId, actor.requestId())) {
        changes.add(new Change(customerId, email, "user.deleted", "deletionDue", null, due + ""));
      }
      audit.recordAll(actor, changes);
    }
    log.info("Deleted users customer={} affectedUsers={} purgeDue={}", customerId, deleted, due);
    return deleted;
  }

  /** Deletes one user; deleting a user already deleted keeps its purge date. */
  @Transactional
  public void delete(Actor actor, String customerId, String email) {
    User user = get(customerId, email);
    Instant now = clock.instant();
    Instant due = now.plus(properties.directory().deletionGrace());
    if (users.markDeleted(user.id(), now, due)) {
      users.deleteTokens(user.id());
      audit.record(
          actor,
          new Change(customerId, user.email(), "user.deleted", "deletionDue", null, due + ""));
      log.info("Deleted user customer={} user={} purgeDue={}", customerId, user.email(), due);
    }
  }

  /**
   * Returns the user if it exists and is not deleted. Throws {@link NotFoundException} for an
   * unknown user and {@link ConflictException} for a deleted one.
   */
  public User activeUser(String customerId, String email) {
    User user = get(customerId, email);
    if (user.isDeleted()) {
      throw new ConflictException(
          "user "
              + user.email()
              + " is deleted and will be purged at "
              + user.deletionDue()
              + "; PUT the user again to restore it");
    }
    return user;
  }

  /**
   * Locks the customer's row until the transaction ends, so that bulk changes of one customer run
   * one after another. Two bulk updates of overlapping users could otherwise lock their rows in
   * different orders and deadlock on PostgreSQL.
   */
  private void lockCustomer(String customerId) {
    customers.findForUpdate(customerId).orElseThrow(() -> customerNotFound(customerId));
  }

  /** Inserts new users with their groups in batches, which large bulk requests and syncs need. */
  private List<User> createAll(String customerId, List<UserDraft> drafts, Instant now) {
    if (drafts.isEmpty()) {
      return List.of();
    }
    long[] ids = users.insertAll(customerId, drafts, now);
    List<User> created = new ArrayList<>(drafts.size());
    Map<Long, List<String>> groups = new LinkedHashMap<>();
    for (int i = 0; i < drafts.size(); i++) {
      created.add(newUser(ids[i], customerId, drafts.get(i), now));
      groups.put(ids[i], drafts.get(i).failoverGroups());
    }
    users.insertGroups(groups);
    return created;
  }

  private static User newUser(long id, String customerId, UserDraft draft, Instant now) {
    String domain = draft.email().substring(draft.email().lastIndexOf('@') + 1);
    return new User(
        id,
        customerId,
        draft.email(),
        domain,
        draft.displayName(),
        draft.givenName(),
        draft.surName(),
        draft.language(),
        draft.timezone(),
        draft.department(),
        draft.costCenter(),
        draft.phone(),
        draft.mobile(),
        draft.failoverGroups(),
        false,
        false,
        false,
        now,
        now,
        null,
        null);
  }

  private static List<UserDraft> validateAll(
      List<UserDraft> drafts, Set<String> domains, boolean indexed) {
    List<Violation> errors = new ArrayList<>();
    List<UserDraft> normalized = new ArrayList<>(drafts.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < drafts.size(); i++) {
      UserDraft draft = drafts.get(i);
      String prefix = indexed ? "users[" + i + "]." : "";
      if (draft == null) {
        errors.add(new Violation(prefix, null, "users[" + i + "] must be a user object"));
        continue;
      }
      for (Violation v : UserRules.validate(draft, domains)) {
        errors.add(indexed ? v.withFieldPrefix(prefix) : v);
      }
      String email = UserRules.normalizeEmail(draft.email());
      if (email != null && !seen.add(email)) {
        errors.add(
            new Violation(
                prefix + "user",
                draft.email(),
                "user " + email + " appears more than once; list each user once"));
      }
      normalized.add(normalize(draft));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return normalized;
  }

  private static UserDraft normalize(UserDraft d) {
    return new UserDraft(
        UserRules.normalizeEmail(d.email()),
        d.displayName(),
        d.givenName(),
        d.surName(),
        d.language(),
        d.timezone(),
        emptyToNull(d.department()),
        emptyToNull(d.costCenter()),
        emptyToNull(d.phone()),
        emptyToNull(d.mobile()),
        UserRules.normalizeGroups(d.failoverGroups()));
  }

  private static List<Change> differences(User before, UserDraft after) {
    List<Change> diff = new ArrayList<>();
    String c = before.customerId();
    String e = before.email();
    compare(diff, c, e, "displayName", before.displayName(), after.displayName());
    compare(diff, c, e, "givenName", before.givenName(), after.givenName());
    compare(diff, c, e, "surName", before.surName(), after.surName());
    compare(diff, c, e, "language", before.language(), after.language());
    compare(diff, c, e, "timezone", before.timezone(), after.timezone());
    compare(diff, c, e, "department", before.department(), after.department());
    compare(diff, c, e, "costCenter", before.costCenter(), after.costCenter());
    compare(diff, c, e, "phone", before.phone(), after.phone());
    compare(diff, c, e, "mobile", before.mobile(), after.mobile());
    List<String> oldGroups = before.failoverGroups().stream().sorted().toList();
    List<String> newGroups = after.failoverGroups().stream().sorted().toList();
    compare(diff, c, e, "failoverGroups", String.join(",", oldGroups), String.join(",", newGroups));
    return diff;
  }

  private static void compare(
      List<Change> diff, String customer, String email, String field, String old, String now) {
    if (!Objects.equals(old, now)) {
      diff.add(new Change(customer, email, "user.updated", field, old, now));
    }
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  static NotFoundException userNotFound(String email) {
    return new NotFoundException(
        "user " + email + " not found; create it with PUT /{CUSTOMER}/{USER} first");
  }

  private static NotFoundException customerNotFound(String customerId) {
    return new NotFoundException("customer " + customerId + " not found");
  }
}
