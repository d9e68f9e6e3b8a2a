package io.lifeboat.delivery;

import io.lifeboat.directory.UserRepository;
import io.lifeboat.directory.UserRepository.FailoverSwitch;
import io.lifeboat.routing.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-routes waiting mail when users are switched to failover. Mail for a user whose primary server
 * is down waits for its next attempt, up to {@code retry-max} later. The delivery dispatcher calls
 * {@link #check} on every round, and when a user's failover was switched on since the last check,
 * the user's waiting rows become due at once, so the next attempt routes them to the standby Inbox.
 *
 * <p>It reads the users' state change time instead of listening for events, so it detects switches
 * by the API, by directory sync and by other nodes sharing the database alike.
 */
class FailoverWatch {

  private static final Logger log = LoggerFactory.getLogger(FailoverWatch.class);

  /**
   * How far back each check looks before the previous one, so that a switch committed by another
   * node with a slightly earlier timestamp or a transaction still open at the last check is seen.
   */
  static final Duration OVERLAP = Duration.ofMinutes(2);

  /** Shortest time between two checks while the dispatcher is busy. */
  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  private final UserRepository users;
  private final QueueRepository queue;
  private final Clock clock;

  /** The state change time of each user already handled, kept for the overlap window. */
  private final Map<Long, Instant> handled = new HashMap<>();

  private Instant lastCheck;

  FailoverWatch(UserRepository users, QueueRepository queue, Clock clock) {
    this.users = users;
    this.queue = queue;
    this.clock = clock;
    // The first check looks at every user in failover, so that switches made while this node
    // was down are seen as well.
    this.lastCheck = Instant.EPOCH.plus(OVERLAP);
  }

  /** Makes the waiting rows of newly switched users due now; returns how many rows changed. */
  int check() {
    Instant now = clock.instant();
    if (now.isBefore(lastCheck.plus(MIN_INTERVAL))) {
      return 0;
    }
    Instant since = lastCheck.minus(OVERLAP);
    lastCheck = now;
    handled.values().removeIf(modified -> modified.isBefore(since));

    List<FailoverSwitch> switched = new ArrayList<>();
    for (FailoverSwitch user : users.failoverSwitchedSince(since)) {
      if (!user.modified().equals(handled.get(user.userId()))) {
        switched.add(user);
      }
    }
    if (switched.isEmpty()) {
      return 0;
    }
    Set<String> addresses =
        switched.stream().map(FailoverSwitch::email).collect(Collectors.toSet());
    List<Long> due = new ArrayList<>();
    queue
        .waitingForPrimary(now)
        .forEach(
            (rowId, recipient) -> {
              if (addresses.contains(Router.normalize(recipient))) {
                due.add(rowId);
              }
            });
    int changed = queue.makeDue(due, now);
    switched.forEach(user -> handled.put(user.userId(), user.modified()));
    if (changed > 0) {
      log.info(
          "Failover switched on for {} users; {} waiting recipients are due now for the standby"
              + " Inbox",
          switched.size(),
          changed);
    }
    return changed;
  }
}
