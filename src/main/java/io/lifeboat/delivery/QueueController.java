package io.lifeboat.delivery;

import io.lifeboat.api.Envelope;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.web.Timestamps;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The queue endpoints of the operator API: list queued messages with their envelope and state
 * (never their content), retry a message now, and delete it without notice to the sender.
 */
@RestController
@RequestMapping(path = "/operator/v1/queue", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Operator API", description = "Customers, credentials and audit; user operator")
@SecurityRequirement(name = "basic")
class QueueController {

  private static final Logger log = LoggerFactory.getLogger(QueueController.class);
  static final int MAX_PAGE_SIZE = 1000;

  private final QueueRepository repository;
  private final Spool spool;
  private final QueueSignal signal;
  private final TransactionTemplate transactions;
  private final Clock clock;

  QueueController(
      QueueRepository repository,
      Spool spool,
      QueueSignal signal,
      TransactionTemplate transactions,
      Clock clock) {
    this.repository = repository;
    this.spool = spool;
    this.signal = signal;
    this.transactions = transactions;
    this.clock = clock;
  }

  @GetMapping
  @Operation(summary = "List queued messages, oldest first: ids, envelope, attempts, last error")
  Map<String, Object> list(
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "100") int size,
      HttpServletRequest request) {
    if (page < 0) {
      throw new InvalidInputException("page", page + "", "page must be 0 or more");
    }
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw new InvalidInputException("size", size + "", "size must be from 1 to 1000");
    }
    Map<String, Object> answer = Envelope.of(request);
    answer.put("page", page);
    answer.put("size", size);
    answer.put("total", repository.countMessages());
    answer.put("depth", repository.depth());
    answer.put(
        "messages", repository.list(page, size).stream().map(QueueController::json).toList());
    return answer;
  }

  @GetMapping("/{queueId}")
  @Operation(summary = "Read one queued message: envelope and per-recipient state")
  Map<String, Object> get(@PathVariable String queueId, HttpServletRequest request) {
    Map<String, Object> answer = Envelope.of(request);
    answer.put("message", json(find(queueId)));
    return answer;
  }

  @PostMapping("/{queueId}/retry")
  @Operation(summary = "Make every waiting recipient of a message due now")
  Map<String, Object> retry(@PathVariable String queueId, HttpServletRequest request) {
    find(queueId);
    Integer due = transactions.execute(s -> repository.retryNow(queueId, clock.instant()));
    signal.notifyQueued();
    log.info("Operator retry queue={} recipients={}", queueId, due);
    Map<String, Object> answer = Envelope.of(request);
    answer.put("recipientsDue", due);
    return answer;
  }

  @DeleteMapping("/{queueId}")
  @Operation(summary = "Delete a queued message and its spool file; the sender is not told")
  Map<String, Object> delete(@PathVariable String queueId, HttpServletRequest request) {
    find(queueId);
    transactions.executeWithoutResult(s -> repository.delete(queueId));
    try {
      spool.delete(queueId);
    } catch (IOException e) {
      throw new UncheckedIOException("deleting the spool file of queue " + queueId + " failed", e);
    }
    log.info("Operator deleted queue={}", queueId);
    return Envelope.of(request);
  }

  private QueuedMessage find(String queueId) {
    if (!QueueIds.isValid(queueId)) {
      throw new InvalidInputException(
          "queueId", queueId, "a queue id is 20 characters of 0-9 and A-Z");
    }
    return repository
        .find(queueId)
        .orElseThrow(() -> new NotFoundException("queued message " + queueId + " not found"));
  }

  private static Map<String, Object> json(QueuedMessage m) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", m.id());
    body.put("sender", m.sender());
    body.put("origin", m.origin().name().toLowerCase());
    body.put("size", m.sizeBytes());
    body.put("received", Timestamps.format(m.received()));
    body.put("sessionId", m.sessionId());
    body.put("clientAddress", m.clientAddress());
    body.put(
        "recipients",
        m.recipients().stream()
            .map(
                r -> {
                  Map<String, Object> row = new LinkedHashMap<>();
                  row.put("id", r.id());
                  row.put("recipient", r.recipient());
                  row.put("state", r.state());
                  row.put("route", r.route());
                  row.put("attempts", r.attempts());
                  row.put("nextAttempt", Timestamps.format(r.nextAttempt()));
                  row.put("lastError", r.lastError());
                  return row;
                })
            .toList());
    return body;
  }
}
