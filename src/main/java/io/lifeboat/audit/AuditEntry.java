package io.lifeboat.audit;

import java.time.Instant;

/** One audited change. {@code oldValue} and {@code newValue} never hold a secret. */
public record AuditEntry(
    long id,
    Instant occurred,
    String requestId,
    String actor,
    String clientAddress,
    String customerId,
    String userEmail,
    String action,
    String field,
    String oldValue,
    String newValue) {}
