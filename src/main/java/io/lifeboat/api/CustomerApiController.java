package io.lifeboat.api;

import io.lifeboat.account.IssuedToken;
import io.lifeboat.account.ProvisioningService;
import io.lifeboat.account.ProvisioningService.PutResult;
import io.lifeboat.account.TokenService;
import io.lifeboat.audit.Actor;
import io.lifeboat.directory.Customer;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.Flag;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.UpsertResult;
import io.lifeboat.directory.User;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.directory.UserRules;
import io.lifeboat.directory.UserSelection;
import io.lifeboat.security.ApiPrincipal;
import io.lifeboat.web.RequestIdFilter;
import io.lifeboat.web.Timestamps;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;

/**
 * The customer REST API, wire-compatible with the Retarus Email Continuity API v2. Every path but
 * the password one needs an API credential of the customer named in the path.
 */
@RestController
@RequestMapping(path = "/email/continuity/v2", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Customer API", description = "Standby mailboxes of one customer")
@SecurityRequirement(name = "basic")
public class CustomerApiController {

  private final DirectoryService directory;
  private final ProvisioningService provisioning;
  private final TokenService tokens;
  private final ObjectMapper json;

  public CustomerApiController(
      DirectoryService directory,
      ProvisioningService provisioning,
      TokenService tokens,
      ObjectMapper json) {
    this.directory = directory;
    this.provisioning = provisioning;
    this.tokens = tokens;
    this.json = json;
  }

  @RequestMapping(path = "/{customer}", method = RequestMethod.HEAD)
  @Operation(summary = "Count the users matching the selection, in the User-Count header")
  ResponseEntity<Void> count(
      @PathVariable String customer,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    authorize(principal, customer);
    long count = directory.count(customer, SelectionParameters.read(request, true));
    return ResponseEntity.ok()
        .header("User-Count", Long.toString(count))
        .header(RequestIdFilter.HEADER, RequestIdFilter.requestId(request))
        .build();
  }

  /** Streams the list, so that the heap does not grow with the number of users. */
  @GetMapping("/{customer}")
  @Operation(summary = "List the users matching the selection")
  void list(
      @PathVariable String customer,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    authorize(principal, customer);
    UserSelection selection = SelectionParameters.read(request, true);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setCharacterEncoding("UTF-8");
    try (JsonGenerator out = json.createGenerator(response.getOutputStream())) {
      out.writeStartObject();
      for (Map.Entry<String, Object> field : Envelope.of(request).entrySet()) {
        out.writeStringProperty(field.getKey(), field.getValue().toString());
      }
      out.writeArrayPropertyStart("users");
      directory.stream(customer, selection, user -> out.writePOJO(UserJson.of(user)));
      out.writeEndArray();
      out.writeEndObject();
    }
  }

  @PutMapping(path = "/{customer}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Create or update up to 10,000 users, all or nothing")
  Map<String, Object> putAll(
      @PathVariable String customer,
      @RequestBody BulkRequest body,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    authorize(principal, customer);
    if (body == null || body.users() == null) {
      throw new InvalidInputException("users", null, "users is required: a list of User objects");
    }
    List<UserDraft> drafts = new ArrayList<>(body.users().size());
    for (UserJson user : body.users()) {
      drafts.add(user == null ? null : user.toDraft(null));
    }
    UpsertResult result = provisioning.putAll(actor(principal, request), customer, drafts);
    Map<String, Object> answer = Envelope.of(request);
    answer.put("affectedUsers", result.affected());
    answer.put("created", result.created());
    answer.put("updated", result.updated());
    return answer;
  }

  @DeleteMapping("/{customer}")
  @Operation(summary = "Delete the users matching the selection; purged after 7 days")
  Map<String, Object> deleteAll(
      @PathVariable String customer,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    authorize(principal, customer);
    UserSelection selection = SelectionParameters.read(request, true);
    int deleted = directory.delete(actor(principal, request), customer, selection);
    Map<String, Object> answer = Envelope.of(request);
    answer.put("affectedUsers", deleted);
    return answer;
  }

  @PutMapping({"/{customer}/failover", "/{customer}/access"})
  @Operation(summary = "Set the flag for the users in the groups, or for all users")
  Map<String, Object> setFlag(
      @PathVariable String customer,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    return switchFlag(customer, principal, request, true);
  }

  @DeleteMapping({"/{customer}/failover", "/{customer}/access"})
  @Operation(summary = "Clear the flag for the users in the groups, or for all users")
  Map<String, Object> clearFlag(
      @PathVariable String customer,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    return switchFlag(customer, principal, request, false);
  }

  @GetMapping("/{customer}/{user}")
  @Operation(summary = "Read one user")
  Map<String, Object> get(
      @PathVariable String customer,
      @PathVariable String user,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    authorize(principal, customer);
    User found = directory.get(customer, user);
    Map<String, Object> answer = Envelope.of(request);
    answer.put("user", UserJson.of(found));
    return answer;
  }

  @PutMapping(path = "/{customer}/{user}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Create or update one user; a new user gets an activation token")
  ResponseEntity<Map<String, Object>> put(
      @PathVariable String customer,
      @PathVariable String user,
      @RequestBody UserJson body,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    authorize(principal, customer);
    if (body == null) {
      throw new InvalidInputException("user", null, "request body is required: a User object");
    }
    String email = UserRules.normalizeEmail(user);
    if (body.user() != null && !UserRules.normalizeEmail(body.user()).equals(email)) {
      throw new InvalidInputException(
          "user",
          body.user(),
          "user in the body must match the address in the path (" + email + ") or be left out");
    }
    PutResult result = provisioning.put(actor(principal, request), customer, body.toDraft(email));
    Map<String, Object> answer = Envelope.of(request);
    if (!result.created()) {
      return ResponseEntity.ok(answer);
    }
    putToken(answer, result.token());
    return ResponseEntity.status(HttpStatus.CREATED).body(answer);
  }

  @DeleteMapping("/{customer}/{user}")
  @Operation(summary = "Delete one user; purged after 7 days unless put again")
  Map<String, Object> delete(
      @PathVariable String customer,
      @PathVariable String user,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    authorize(principal, customer);
    directory.delete(actor(principal, request), customer, user);
    return Envelope.of(request);
  }

  @PutMapping({"/{customer}/{user}/failover", "/{customer}/{user}/access"})
  @Operation(summary = "Set one user's flag")
  Map<String, Object> setUserFlag(
      @PathVariable String customer,
      @PathVariable String user,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    return switchUserFlag(customer, user, principal, request, true);
  }

  @DeleteMapping({"/{customer}/{user}/failover", "/{customer}/{user}/access"})
  @Operation(summary = "Clear one user's flag")
  Map<String, Object> clearUserFlag(
      @PathVariable String customer,
      @PathVariable String user,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    return switchUserFlag(customer, user, principal, request, false);
  }

  @PostMapping("/{customer}/{user}/token")
  @Operation(summary = "Issue an activation or password-reset token, voiding older ones")
  ResponseEntity<Map<String, Object>> token(
      @PathVariable String customer,
      @PathVariable String user,
      @RequestParam(required = false) String mailNotification,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    authorize(principal, customer);
    boolean notify = false;
    if (mailNotification != null) {
      Boolean parsed = SelectionParameters.parseBoolean(mailNotification);
      if (parsed == null) {
        throw new InvalidInputException(
            "mailNotification", mailNotification, "mailNotification must be true, false, 1 or 0");
      }
      notify = parsed;
    }
    IssuedToken token = provisioning.issueToken(actor(principal, request), customer, user, notify);
    Map<String, Object> answer = Envelope.of(request);
    putToken(answer, token);
    return ResponseEntity.status(HttpStatus.CREATED).body(answer);
  }

  @PutMapping(path = "/{user}/password", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Set the password with a token; sets activation. No credential needed")
  @SecurityRequirement(name = "none")
  Map<String, Object> password(
      @PathVariable String user, @RequestBody PasswordRequest body, HttpServletRequest request) {
    if (body == null) {
      throw new InvalidInputException(
          "token", null, "request body is required: {\"token\": …, \"password\": …}");
    }
    Actor actor = new Actor(RequestIdFilter.requestId(request), "token", request.getRemoteAddr());
    tokens.setPassword(actor, user, body.token(), body.password());
    return Envelope.of(request);
  }

  private Map<String, Object> switchFlag(
      String customer, ApiPrincipal principal, HttpServletRequest request, boolean value) {
    authorize(principal, customer);
    Flag flag = flagOf(request);
    UserSelection selection = SelectionParameters.read(request, false);
    int changed = directory.setFlag(actor(principal, request), customer, selection, flag, value);
    Map<String, Object> answer = Envelope.of(request);
    answer.put("affectedUsers", changed);
    return answer;
  }

  private Map<String, Object> switchUserFlag(
      String customer,
      String user,
      ApiPrincipal principal,
      HttpServletRequest request,
      boolean value) {
    authorize(principal, customer);
    directory.setFlag(actor(principal, request), customer, user, flagOf(request), value);
    return Envelope.of(request);
  }

  private static Flag flagOf(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String last = uri.substring(uri.lastIndexOf('/') + 1);
    return Flag.fromName(last).orElseThrow();
  }

  private static void putToken(Map<String, Object> answer, IssuedToken token) {
    answer.put("token", token.token());
    answer.put("expiryTimestamp", Timestamps.format(token.expiry()));
    answer.put("url", token.url());
    if (token.warning() != null) {
      answer.put("warning", token.warning());
    }
  }

  /**
   * Lets a credential act only on its own customer. Any other id, existing or not, gets the same
   * 403, so that customer ids cannot be probed.
   */
  public static void authorize(ApiPrincipal principal, String customer) {
    if (!customer.matches(Customer.ID_PATTERN)) {
      throw new InvalidInputException(
          "CUSTOMER",
          customer,
          "CUSTOMER must be 5 digits with an optional 2 upper-case letters, such as 44444");
    }
    if (principal == null || !customer.equals(principal.customerId())) {
      throw new ForbiddenException("this credential may not act on customer " + customer);
    }
  }

  private static Actor actor(ApiPrincipal principal, HttpServletRequest request) {
    return new Actor(
        RequestIdFilter.requestId(request), principal.username(), request.getRemoteAddr());
  }
}
