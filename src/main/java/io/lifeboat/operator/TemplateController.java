package io.lifeboat.operator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.lifeboat.account.NotificationTemplate;
import io.lifeboat.account.NotificationTemplates;
import io.lifeboat.account.RenderedNotification;
import io.lifeboat.api.Envelope;
import io.lifeboat.audit.Actor;
import io.lifeboat.audit.AuditLog;
import io.lifeboat.audit.AuditLog.Change;
import io.lifeboat.directory.Customer;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.directory.User;
import io.lifeboat.web.RequestIdFilter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A customer's notification templates per kind ({@code activation}, {@code password-reset}) and
 * locale, through the operator API. Absent templates fall back to the built-in ones.
 */
@RestController
@RequestMapping(
    path = "/operator/v1/customers/{customer}/templates",
    produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Operator API")
@SecurityRequirement(name = "basic")
public class TemplateController {

  private final NotificationTemplates templates;
  private final CustomerService customers;
  private final AuditLog audit;
  private final Clock clock;

  public TemplateController(
      NotificationTemplates templates, CustomerService customers, AuditLog audit, Clock clock) {
    this.templates = templates;
    this.customers = customers;
    this.audit = audit;
    this.clock = clock;
  }

  /** Body of a template upload. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TemplateRequest(String subject, String text, String html) {}

  @GetMapping
  @Operation(summary = "List the customer's own templates and show the built-in ones")
  Map<String, Object> list(@PathVariable String customer, HttpServletRequest request) {
    customers.get(customer);
    Map<String, Object> answer = Envelope.of(request);
    answer.put("custom", templates.list(customer));
    answer.put("builtIn", templates.builtIn());
    answer.put("variables", NotificationTemplates.VARIABLES.stream().sorted().toList());
    return answer;
  }

  @GetMapping("/{kind}/{locale}")
  @Operation(summary = "Read the template in effect for a kind and locale")
  Map<String, Object> get(
      @PathVariable String customer,
      @PathVariable String kind,
      @PathVariable String locale,
      HttpServletRequest request) {
    customers.get(customer);
    templates.validate(kind, locale, templates.builtIn());
    var custom = templates.find(customer, kind, locale);
    Map<String, Object> answer = Envelope.of(request);
    answer.put("source", custom.isPresent() ? "custom" : "built-in");
    answer.put("template", custom.orElse(templates.builtIn()));
    return answer;
  }

  @PutMapping(path = "/{kind}/{locale}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Set the customer's template for a kind and locale")
  @Transactional
  public Map<String, Object> put(
      @PathVariable String customer,
      @PathVariable String kind,
      @PathVariable String locale,
      @RequestBody TemplateRequest body,
      HttpServletRequest request) {
    customers.get(customer);
    NotificationTemplate template =
        body == null ? null : new NotificationTemplate(body.subject(), body.text(), body.html());
    templates.save(customer, kind, locale, template);
    audit.record(actor(request), new Change(customer, null, "template.set", kind, null, locale));
    return Envelope.of(request);
  }

  @DeleteMapping("/{kind}/{locale}")
  @Operation(summary = "Remove the customer's template, so that the built-in one applies")
  @Transactional
  public Map<String, Object> delete(
      @PathVariable String customer,
      @PathVariable String kind,
      @PathVariable String locale,
      HttpServletRequest request) {
    customers.get(customer);
    if (!templates.delete(customer, kind, locale)) {
      throw new NotFoundException(
          "customer " + customer + " has no own " + kind + " template for " + locale);
    }
    audit.record(
        actor(request), new Change(customer, null, "template.removed", kind, locale, null));
    return Envelope.of(request);
  }

  @PostMapping("/{kind}/{locale}/preview")
  @Operation(summary = "Render the template in effect with a sample user, to check it")
  Map<String, Object> preview(
      @PathVariable String customer,
      @PathVariable String kind,
      @PathVariable String locale,
      HttpServletRequest request) {
    Customer owner = customers.get(customer);
    templates.validate(kind, locale, templates.builtIn());
    Instant now = clock.instant();
    User sample =
        new User(
            0,
            customer,
            "jane.roe@" + owner.domains().get(0).name(),
            owner.domains().get(0).name(),
            "Jane Roe",
            "Jane",
            "Roe",
            locale,
            "Europe/London",
            null,
            null,
            null,
            null,
            List.of(),
            false,
            false,
            false,
            now,
            now,
            null,
            null);
    String url = "https://lifeboat.example/" + kind + "?token=" + "0".repeat(32);
    RenderedNotification mail =
        templates.render(
            owner, sample, kind, url, now.plus(Duration.ofDays(owner.tokenLifetimeDays())));
    Map<String, Object> answer = Envelope.of(request);
    answer.put("subject", mail.subject());
    answer.put("text", mail.text());
    answer.put("html", mail.html());
    return answer;
  }

  private static Actor actor(HttpServletRequest request) {
    return new Actor(RequestIdFilter.requestId(request), "operator", request.getRemoteAddr());
  }
}
