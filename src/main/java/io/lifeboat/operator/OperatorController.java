package io.lifeboat.operator;

import io.lifeboat.api.Envelope;
import io.lifeboat.audit.Actor;
import io.lifeboat.audit.AuditEntry;
import io.lifeboat.audit.AuditLog;
import io.lifeboat.directory.Customer;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.operator.CustomerService.NewCredential;
import io.lifeboat.web.RequestIdFilter;
import io.lifeboat.web.Timestamps;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The operator API: customers, domains, API credentials, SFTP logins and the audit log. */
@RestController
@RequestMapping(path = "/operator/v1", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Operator API", description = "Customers, credentials and audit; user operator")
@SecurityRequirement(name = "basic")
public class OperatorController {

  static final int MAX_PAGE_SIZE = 1000;

  private final CustomerService customers;
  private final SftpLoginService sftpLogins;
  private final AuditLog audit;

  public OperatorController(
      CustomerService customers, SftpLoginService sftpLogins, AuditLog audit) {
    this.customers = customers;
    this.sftpLogins = sftpLogins;
    this.audit = audit;
  }

  @PutMapping(path = "/customers/{customer}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Create or update a customer and its domains")
  ResponseEntity<Map<String, Object>> put(
      @PathVariable String customer,
      @RequestBody CustomerRequest body,
      HttpServletRequest request) {
    boolean created = customers.put(actor(request), customer, body);
    Map<String, Object> answer = Envelope.of(request);
    answer.put("customer", json(customers.get(customer)));
    return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK).body(answer);
  }

  @GetMapping("/customers")
  @Operation(summary = "List all customers")
  Map<String, Object> list(HttpServletRequest request) {
    Map<String, Object> answer = Envelope.of(request);
    answer.put("customers", customers.list().stream().map(OperatorController::json).toList());
    return answer;
  }

  @GetMapping("/customers/{customer}")
  @Operation(summary = "Read one customer with its credentials' usernames")
  Map<String, Object> get(@PathVariable String customer, HttpServletRequest request) {
    Map<String, Object> answer = Envelope.of(request);
    Map<String, Object> body = json(customers.get(customer));
    body.put("credentials", customers.credentials(customer));
    answer.put("customer", body);
    return answer;
  }

  @PostMapping("/customers/{customer}/credentials")
  @Operation(summary = "Create an API credential; the password is shown only in this answer")
  ResponseEntity<Map<String, Object>> createCredential(
      @PathVariable String customer, HttpServletRequest request) {
    NewCredential credential = customers.createCredential(actor(request), customer);
    Map<String, Object> answer = Envelope.of(request);
    answer.put("username", credential.username());
    answer.put("password", credential.password());
    return ResponseEntity.status(HttpStatus.CREATED).body(answer);
  }

  @DeleteMapping("/customers/{customer}/credentials/{username}")
  @Operation(summary = "Revoke an API credential")
  Map<String, Object> revokeCredential(
      @PathVariable String customer, @PathVariable String username, HttpServletRequest request) {
    customers.revokeCredential(actor(request), customer, username);
    return Envelope.of(request);
  }

  @PutMapping(path = "/customers/{customer}/sftp", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Set the SFTP login of the CSV drop: password and/or OpenSSH public key")
  Map<String, Object> putSftp(
      @PathVariable String customer,
      @RequestBody SftpLoginRequest body,
      HttpServletRequest request) {
    sftpLogins.put(actor(request), customer, body);
    Map<String, Object> answer = Envelope.of(request);
    answer.put("username", customer);
    return answer;
  }

  @GetMapping("/customers/{customer}/audit")
  @Operation(summary = "Read the customer's audit log, newest first")
  Map<String, Object> audit(
      @PathVariable String customer,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "100") int size,
      HttpServletRequest request) {
    customers.get(customer);
    if (page < 0) {
      throw new InvalidInputException("page", page + "", "page must be 0 or more");
    }
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw new InvalidInputException("size", size + "", "size must be from 1 to 1000");
    }
    List<AuditEntry> entries = audit.page(customer, page, size);
    Map<String, Object> answer = Envelope.of(request);
    answer.put("page", page);
    answer.put("size", size);
    answer.put("total", audit.count(customer));
    answer.put("entries", entries.stream().map(OperatorController::json).toList());
    return answer;
  }

  @GetMapping("/audit")
  @Operation(
      summary = "Read the service-wide audit log, such as master key rotations, newest first")
  Map<String, Object> serviceAudit(
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
    answer.put("total", audit.countServiceWide());
    answer.put(
        "entries",
        audit.serviceWidePage(page, size).stream().map(OperatorController::json).toList());
    return answer;
  }

  private static Map<String, Object> json(Customer c) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("customer", c.id());
    body.put("name", c.name());
    body.put(
        "domains",
        c.domains().stream()
            .map(
                d -> {
                  Map<String, Object> domain = new LinkedHashMap<>();
                  domain.put("domain", d.name());
                  domain.put("primaryHost", d.primaryHost());
                  domain.put("primaryPort", d.primaryPort());
                  return domain;
                })
            .toList());
    body.put("notifications", c.notifications());
    body.put("notificationSender", c.notificationSender());
    body.put("tokenLifetimeDays", c.tokenLifetimeDays());
    body.put("publicBaseUrl", c.publicBaseUrl());
    body.put("syncDeactivationLimitPercent", c.syncDeactivationLimitPercent());
    body.put("created", Timestamps.format(c.created()));
    body.put("modified", Timestamps.format(c.modified()));
    return body;
  }

  private static Map<String, Object> json(AuditEntry e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("occurred", Timestamps.format(e.occurred()));
    body.put("requestId", e.requestId());
    body.put("actor", e.actor());
    body.put("clientAddress", e.clientAddress());
    body.put("user", e.userEmail());
    body.put("action", e.action());
    body.put("field", e.field());
    body.put("oldValue", e.oldValue());
    body.put("newValue", e.newValue());
    return body;
  }

  private static Actor actor(HttpServletRequest request) {
    return new Actor(RequestIdFilter.requestId(request), "operator", request.getRemoteAddr());
  }
}
