package io.lifeboat.sync;

import io.lifeboat.api.ApiError;
import io.lifeboat.api.CustomerApiController;
import io.lifeboat.api.Envelope;
import io.lifeboat.api.PayloadTooLargeException;
import io.lifeboat.config.LifeboatProperties;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.security.ApiPrincipal;
import io.lifeboat.web.RequestIdFilter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The directory sync in the customer API: upload a sync file for customers without SFTP, and read
 * the reports of past runs, whichever way their files came. Uses the customer API's credentials,
 * envelope and error format.
 */
@RestController
@RequestMapping(path = "/email/continuity/v2", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Directory sync", description = "Make a customer's users match a CSV file")
@SecurityRequirement(name = "basic")
class SyncController {

  static final String TEXT_CSV = "text/csv";
  static final String API_FILE_NAME = "api-upload.csv";
  static final int MAX_HISTORY = 100;

  private final SyncQueue queue;
  private final SyncService service;
  private final SyncRunRepository runs;
  private final LifeboatProperties properties;
  private final Clock clock;

  SyncController(
      SyncQueue queue,
      SyncService service,
      SyncRunRepository runs,
      LifeboatProperties properties,
      Clock clock) {
    this.queue = queue;
    this.service = service;
    this.runs = runs;
    this.properties = properties;
    this.clock = clock;
  }

  @GetMapping("/{customer}/sync")
  @Operation(summary = "Read the latest sync report and the history of sync runs, newest first")
  Map<String, Object> status(
      @PathVariable String customer,
      @RequestParam(defaultValue = "20") int limit,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    CustomerApiController.authorize(principal, customer);
    if (limit < 1 || limit > MAX_HISTORY) {
      throw new InvalidInputException(
          "limit", Integer.toString(limit), "limit must be from 1 to " + MAX_HISTORY);
    }
    Map<String, Object> answer = Envelope.of(request);
    runs.latest(customer).ifPresent(report -> answer.put("latest", report));
    answer.put("history", runs.history(customer, limit));
    return answer;
  }

  @GetMapping("/{customer}/sync/{run}")
  @Operation(summary = "Read the report of one sync run")
  Map<String, Object> report(
      @PathVariable String customer,
      @PathVariable String run,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request) {
    CustomerApiController.authorize(principal, customer);
    Map<String, Object> report =
        runs.report(customer, run)
            .orElseThrow(() -> new NotFoundException("sync run " + run + " not found"));
    Map<String, Object> answer = Envelope.of(request);
    answer.put("report", report);
    return answer;
  }

  @PostMapping("/{customer}/sync")
  @Operation(
      summary =
          "Upload a sync file (text/csv, UTF-8) and apply it; force=true confirms deletions above"
              + " the customer's limit",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content = @Content(mediaType = TEXT_CSV, schema = @Schema(type = "string"))))
  ResponseEntity<Map<String, Object>> upload(
      @PathVariable String customer,
      @RequestParam(required = false) String force,
      @AuthenticationPrincipal ApiPrincipal principal,
      HttpServletRequest request)
      throws IOException, InterruptedException {
    CustomerApiController.authorize(principal, customer);
    ResponseEntity<Map<String, Object>> unsupported = checkContentType(request);
    if (unsupported != null) {
      return unsupported;
    }
    boolean forced = parseForce(force);
    String runId = RequestIdFilter.requestId(request);
    Path file = service.spool(runId, request.getInputStream());
    SyncJob job =
        new SyncJob(
            runId,
            customer,
            API_FILE_NAME,
            SyncJob.Source.API,
            principal.username(),
            request.getRemoteAddr(),
            forced,
            clock.instant(),
            file);
    SyncReport report;
    try {
      queue.recordQueued(job);
      report = queue.runNow(job);
    } finally {
      Files.deleteIfExists(file);
    }
    return answer(request, report);
  }

  @ExceptionHandler(PayloadTooLargeException.class)
  ResponseEntity<Map<String, Object>> tooLarge(HttpServletRequest request) {
    String message =
        "the sync file is larger than "
            + properties.api().maxBodyBytes()
            + " bytes, the limit of API request bodies; upload it over SFTP or ask the operator to"
            + " raise lifeboat.api.max-body-bytes";
    return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE)
        .body(ApiError.body(request, HttpStatus.PAYLOAD_TOO_LARGE.value(), message, null));
  }

  private static ResponseEntity<Map<String, Object>> answer(
      HttpServletRequest request, SyncReport report) {
    HttpStatus status =
        switch (report.outcome()) {
          case APPLIED, QUEUED -> HttpStatus.OK;
          case INVALID -> HttpStatus.BAD_REQUEST;
          case OVER_LIMIT -> HttpStatus.CONFLICT;
          case FAILED -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    Map<String, Object> json = report.toJson();
    Map<String, Object> answer;
    if (status == HttpStatus.OK) {
      answer = Envelope.of(request);
    } else {
      answer = ApiError.body(request, status.value(), report.message(), null);
      answer.put("errors", json.get("errors"));
    }
    answer.put("report", json);
    return ResponseEntity.status(status).body(answer);
  }

  /**
   * Returns a 415 response unless the body is declared as text/csv, in UTF-8 or without charset.
   */
  private static ResponseEntity<Map<String, Object>> checkContentType(HttpServletRequest request) {
    String declared = request.getContentType();
    boolean csv = false;
    boolean utf8 = false;
    try {
      MediaType type = declared == null ? null : MediaType.parseMediaType(declared);
      csv = type != null && type.isCompatibleWith(MediaType.parseMediaType(TEXT_CSV));
      utf8 =
          type == null
              || type.getCharset() == null
              || StandardCharsets.UTF_8.equals(type.getCharset());
    } catch (IllegalArgumentException e) {
      // An invalid type or an unknown charset gets the 415 response below.
    }
    if (csv && utf8) {
      return null;
    }
    String message =
        "Content-Type " + declared + " is not supported; send the sync file as text/csv in UTF-8";
    HttpStatus status = HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    return ResponseEntity.status(status)
        .body(ApiError.body(request, status.value(), message, null));
  }

  private static boolean parseForce(String force) {
    if (force == null) {
      return false;
    }
    return switch (force.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default ->
          throw new InvalidInputException("force", force, "force must be true, false, 1 or 0");
    };
  }
}
