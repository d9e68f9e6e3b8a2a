package io.lifeboat.delivery;

import io.lifeboat.mailstore.LocalDelivery;
import io.lifeboat.routing.Route;
import io.lifeboat.routing.Router;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataAccessException;

/**
 * One delivery attempt for the claimed recipients of one message. Each recipient is routed anew, so
 * a failover switch while mail waits in the queue takes effect at the next attempt: into the
 * standby mailbox through {@link LocalDelivery}, or by SMTP to the primary server, the smarthost or
 * the recipient domain's MX hosts.
 */
class MessageDelivery {

  private static final Logger log = LoggerFactory.getLogger(MessageDelivery.class);

  private final Router router;
  private final ObjectProvider<LocalDelivery> localDelivery;
  private final SmtpRelay relay;
  private final MxResolver mx;
  private final SmarthostProperties smarthost;
  private final Spool spool;
  private final int mxPort;

  MessageDelivery(
      Router router,
      ObjectProvider<LocalDelivery> localDelivery,
      SmtpRelay relay,
      MxResolver mx,
      SmarthostProperties smarthost,
      Spool spool,
      int mxPort) {
    this.router = router;
    this.localDelivery = localDelivery;
    this.relay = relay;
    this.mx = mx;
    this.smarthost = smarthost;
    this.spool = spool;
    this.mxPort = mxPort;
  }

  /** The outcome of one entry and the route it took. */
  record Attempt(QueueEntry entry, String route, Outcome outcome) {}

  /** Delivers the entries, which all belong to one message; returns one attempt per entry. */
  List<Attempt> deliver(List<QueueEntry> entries) {
    QueueEntry first = entries.get(0);
    List<Attempt> attempts = new ArrayList<>();
    if (!spool.exists(first.messageId())) {
      for (QueueEntry entry : entries) {
        attempts.add(
            new Attempt(entry, "none", Outcome.bounced("554 5.3.0 spool file is missing")));
      }
      return attempts;
    }
    Map<RelayTarget, List<QueueEntry>> relays = new LinkedHashMap<>();
    for (QueueEntry entry : entries) {
      Route route;
      try {
        // Mail for the bare <postmaster> was queued for lifeboat.smtp.postmaster, which may be
        // outside the hosted domains although the message was received by SMTP.
        boolean external =
            entry.origin().mayLeaveHostedDomains() || router.isPostmasterAddress(entry.recipient());
        route = router.route(entry.recipient(), external);
      } catch (DataAccessException e) {
        attempts.add(
            new Attempt(entry, "none", Outcome.deferred("451 4.3.0 directory lookup failed")));
        continue;
      }
      switch (route) {
        case Route.Local local -> attempts.add(deliverLocal(entry, local));
        case Route.Rejected rejected ->
            attempts.add(new Attempt(entry, route.name(), Outcome.bounced(rejected.reply())));
        case Route.Primary primary -> {
          RelayTarget target =
              new RelayTarget(
                  "primary",
                  List.of(primary.host()),
                  primary.port(),
                  TlsPolicy.OPPORTUNISTIC,
                  null,
                  null);
          relays.computeIfAbsent(target, t -> new ArrayList<>()).add(entry);
        }
        case Route.External external -> {
          RelayTarget target = externalTarget(external.domain());
          if (target.hosts().isEmpty()) {
            attempts.add(new Attempt(entry, route.name(), lookupFailure(target)));
          } else {
            relays.computeIfAbsent(target, t -> new ArrayList<>()).add(entry);
          }
        }
      }
    }
    relays.forEach((target, group) -> attempts.addAll(relay(target, group)));
    return attempts;
  }

  /**
   * Hands the message to the mailstore, which reads it from the spool file and decrypts it on the
   * way, so that no clear copy is ever written to disk.
   */
  private Attempt deliverLocal(QueueEntry entry, Route.Local local) {
    LocalDelivery mailstore = localDelivery.getIfAvailable();
    if (mailstore == null) {
      return new Attempt(
          entry,
          local.name(),
          Outcome.deferred("451 4.3.0 no mailstore is available on this node"));
    }
    try {
      boolean stored =
          mailstore.deliverToInbox(
              local.userId(), entry.deliveryKey(), () -> spool.open(entry.messageId()));
      if (!stored) {
        log.info(
            "Local delivery queue={} row={} was already stored by an earlier attempt",
            entry.messageId(),
            entry.id());
      }
      return new Attempt(entry, local.name(), Outcome.delivered());
    } catch (IOException | RuntimeException e) {
      log.warn(
          "Local delivery failed queue={} row={} user={}: {}",
          entry.messageId(),
          entry.id(),
          local.userId(),
          e.toString());
      return new Attempt(
          entry, local.name(), Outcome.deferred("451 4.3.0 mailstore error: " + e.getMessage()));
    }
  }

  private List<Attempt> relay(RelayTarget target, List<QueueEntry> group) {
    QueueEntry first = group.get(0);
    List<String> recipients = group.stream().map(QueueEntry::recipient).toList();
    Map<String, Outcome> outcomes = relay.send(target, first, spool, recipients);
    String route = target.name().equals("primary") ? "primary" : "external";
    List<Attempt> attempts = new ArrayList<>();
    for (QueueEntry entry : group) {
      Outcome outcome = outcomes.get(entry.recipient());
      if (outcome == null) {
        outcome = Outcome.deferred("no reply recorded for this recipient from " + target);
      }
      attempts.add(new Attempt(entry, route, outcome));
    }
    return attempts;
  }

  /** Returns the smarthost when one is configured, else the domain's MX hosts. */
  private RelayTarget externalTarget(String domain) {
    if (smarthost.configured()) {
      return new RelayTarget(
          "smarthost",
          List.of(smarthost.host()),
          smarthost.port(),
          smarthost.starttls(),
          smarthost.username(),
          smarthost.password());
    }
    MxResolver.Result result = mx.resolve(domain);
    return new RelayTarget(
        result.failure() == null ? "mx " + domain : result.failure(),
        result.hosts(),
        mxPort,
        TlsPolicy.OPPORTUNISTIC,
        null,
        null);
  }

  private static Outcome lookupFailure(RelayTarget target) {
    String failure = target.name();
    return failure.startsWith("5") ? Outcome.bounced(failure) : Outcome.deferred(failure);
  }
}
