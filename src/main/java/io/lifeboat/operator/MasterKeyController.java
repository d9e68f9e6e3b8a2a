package io.lifeboat.operator;

import io.lifeboat.api.Envelope;
import io.lifeboat.audit.Actor;
import io.lifeboat.crypto.MasterKey;
import io.lifeboat.crypto.MasterKeyRotation;
import io.lifeboat.crypto.MasterKeyRotation.Rotation;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.web.RequestIdFilter;
import io.lifeboat.web.Timestamps;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The operator API for the master key: its id, and rotation with progress. */
@RestController
@RequestMapping(path = "/operator/v1/master-key", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Operator API", description = "Customers, credentials and audit; user operator")
@SecurityRequirement(name = "basic")
class MasterKeyController {

  /**
   * Body of a rotation request.
   *
   * @param key base64 of the new 32-byte key; when absent, the service generates one
   */
  record RotationRequest(String key) {}

  private final MasterKey masterKey;
  private final MasterKeyRotation rotation;

  MasterKeyController(MasterKey masterKey, MasterKeyRotation rotation) {
    this.masterKey = masterKey;
    this.rotation = rotation;
  }

  @GetMapping
  @Operation(summary = "Show the ids of the loaded master keys and the latest rotation")
  Map<String, Object> get(HttpServletRequest request) throws IOException {
    Map<String, Object> answer = Envelope.of(request);
    answer.put("primaryKeyId", masterKey.primaryKeyId());
    answer.put("keyIds", masterKey.keyIds());
    answer.put("source", masterKey.fromConfiguration() ? "configuration" : "file");
    var latest = rotation.latest();
    if (latest.isPresent()) {
      answer.put("rotation", json(latest.get()));
    }
    return answer;
  }

  @PostMapping("/rotation")
  @Operation(
      summary =
          "Start a master key rotation to the given key, or to a generated one when the body is"
              + " empty; the key is never shown")
  ResponseEntity<Map<String, Object>> start(
      @RequestBody(required = false) RotationRequest body, HttpServletRequest request)
      throws IOException {
    byte[] key = null;
    if (body != null && body.key() != null) {
      try {
        key = MasterKey.decode(body.key(), "key");
      } catch (IllegalArgumentException e) {
        // The value is a key: the error names the field, never the value.
        throw new InvalidInputException("key", "(hidden)", e.getMessage());
      }
    }
    Rotation started;
    try {
      started = rotation.start(actor(request), key);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("key", "(hidden)", e.getMessage());
    }
    return accepted(request, started);
  }

  @PostMapping("/rotation/resume")
  @Operation(summary = "Resume a master key rotation that failed")
  ResponseEntity<Map<String, Object>> resume(HttpServletRequest request) throws IOException {
    return accepted(request, rotation.resume());
  }

  @GetMapping("/rotation")
  @Operation(summary = "Show the progress of the latest master key rotation")
  Map<String, Object> status(HttpServletRequest request) throws IOException {
    Rotation latest =
        rotation.latest().orElseThrow(() -> new NotFoundException("no master key rotation yet"));
    Map<String, Object> answer = Envelope.of(request);
    answer.put("rotation", json(latest));
    return answer;
  }

  private ResponseEntity<Map<String, Object>> accepted(HttpServletRequest request, Rotation r)
      throws IOException {
    Map<String, Object> answer = Envelope.of(request);
    answer.put("rotation", json(r));
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer);
  }

  private Map<String, Object> json(Rotation r) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("oldKeyId", r.oldKeyId());
    body.put("newKeyId", r.newKeyId());
    // A row left "running" by a stopped process is resumed at the next start.
    boolean interrupted = "running".equals(r.state()) && !rotation.isRunning();
    body.put("state", interrupted ? "interrupted" : r.state());
    body.put("startedBy", r.actor().name());
    body.put("started", Timestamps.format(r.started()));
    body.put("finished", r.finished() == null ? null : Timestamps.format(r.finished()));
    body.put("rewrapped", r.rewrapped());
    if (!"finished".equals(r.state())) {
      body.put("pending", rotation.pending(r));
    }
    body.put("error", r.lastError());
    return body;
  }

  private static Actor actor(HttpServletRequest request) {
    return new Actor(RequestIdFilter.requestId(request), "operator", request.getRemoteAddr());
  }
}
