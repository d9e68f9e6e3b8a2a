package io.lifeboat.account;

import com.samskivert.mustache.BasicCollector;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import io.lifeboat.directory.Customer;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.Locales;
import io.lifeboat.directory.User;
import io.lifeboat.directory.Violation;
import io.lifeboat.web.LocaleNegotiation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.MessageSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Renders activation and password-reset notification mails in the user's language, from the
 * customer's own templates for that kind and locale when the operator set them, else from the
 * built-in ones. Templates are logic-less Mustache: they read only the values listed in {@link
 * #VARIABLES}, cannot include files and cannot call methods.
 */
@Service
public class NotificationTemplates {

  public static final List<String> KINDS = List.of("activation", "password-reset");

  /** Every value a template may use. */
  public static final Set<String> VARIABLES =
      Set.of(
          "lang",
          "subject",
          "greeting",
          "intro",
          "linkLabel",
          "button",
          "expires",
          "rulesHeading",
          "rules",
          "ignore",
          "displayName",
          "givenName",
          "surName",
          "email",
          "url",
          "expiry",
          "lifetimeDays",
          "customerName");

  static final int MAX_TEMPLATE_CHARS = 65_536;
  static final int MAX_SUBJECT_CHARS = 200;

  private final MessageSource messages;
  private final JdbcClient jdbc;
  private final Clock clock;
  private final Mustache.Compiler textCompiler;
  private final Mustache.Compiler htmlCompiler;
  private final NotificationTemplate builtIn;

  public NotificationTemplates(MessageSource messages, JdbcClient jdbc, Clock clock) {
    this.messages = messages;
    this.jdbc = jdbc;
    this.clock = clock;
    Mustache.Compiler base =
        Mustache.compiler()
            .withCollector(
                new BasicCollector() {
                  @Override
                  public <K, V> Map<K, V> createFetcherCache() {
                    return new ConcurrentHashMap<>();
                  }
                })
            .withLoader(
                name -> {
                  throw new IllegalArgumentException("templates cannot include " + name);
                });
    this.textCompiler = base.escapeHTML(false);
    this.htmlCompiler = base.escapeHTML(true);
    this.builtIn =
        new NotificationTemplate(
            "{{subject}}",
            resource("mail-templates/notification.txt.mustache"),
            resource("mail-templates/notification.html.mustache"));
  }

  /** Renders the mail that carries a token's link to its user. */
  public RenderedNotification render(
      Customer customer, User user, String kind, String url, Instant expiry) {
    Locale locale = LocaleNegotiation.toLocale(user.language());
    Map<String, Object> values = values(customer, user, kind, url, expiry, locale);
    NotificationTemplate template = find(customer.id(), kind, user.language()).orElse(builtIn);
    return new RenderedNotification(
        oneLine(execute(textCompiler, template.subject(), values)),
        execute(textCompiler, template.text(), values),
        execute(htmlCompiler, template.html(), values),
        locale);
  }

  /** Returns the customer's own template for a kind and locale, if the operator set one. */
  public Optional<NotificationTemplate> find(String customerId, String kind, String locale) {
    return jdbc.sql(
            """
            SELECT subject, text_body, html_body FROM notification_template
             WHERE customer_id = :c AND kind = :k AND locale = :l
            """)
        .param("c", customerId)
        .param("k", kind)
        .param("l", locale)
        .query(
            (rs, n) -> new NotificationTemplate(rs.getString(1), rs.getString(2), rs.getString(3)))
        .optional();
  }

  /** Lists the customer's own templates as (kind, locale) pairs. */
  public List<Map<String, String>> list(String customerId) {
    return jdbc.sql(
            "SELECT kind, locale FROM notification_template WHERE customer_id = :c"
                + " ORDER BY kind, locale")
        .param("c", customerId)
        .query(
            (rs, n) -> {
              Map<String, String> row = new LinkedHashMap<>();
              row.put("kind", rs.getString(1));
              row.put("locale", rs.getString(2));
              return row;
            })
        .list();
  }

  /** Returns the built-in templates, which operators can copy and adapt. */
  public NotificationTemplate builtIn() {
    return builtIn;
  }

  /**
   * Validates and stores a customer's template for a kind and locale, replacing an older one. Every
   * broken rule is reported; nothing is stored then.
   */
  public void save(String customerId, String kind, String locale, NotificationTemplate template) {
    validate(kind, locale, template);
    Timestamp now = Timestamp.from(clock.instant());
    int updated =
        jdbc.sql(
                """
                UPDATE notification_template SET subject = :s, text_body = :t, html_body = :h,
                       modified = :now
                 WHERE customer_id = :c AND kind = :k AND locale = :l
                """)
            .param("s", template.subject())
            .param("t", template.text())
            .param("h", template.html())
            .param("now", now)
            .param("c", customerId)
            .param("k", kind)
            .param("l", locale)
            .update();
    if (updated == 0) {
      jdbc.sql(
              """
              INSERT INTO notification_template (customer_id, kind, locale, subject, text_body,
                                                 html_body, modified)
              VALUES (:c, :k, :l, :s, :t, :h, :now)
              """)
          .param("s", template.subject())
          .param("t", template.text())
          .param("h", template.html())
          .param("now", now)
          .param("c", customerId)
          .param("k", kind)
          .param("l", locale)
          .update();
    }
  }

  /** Removes a customer's template, so that the built-in one applies again. */
  public boolean delete(String customerId, String kind, String locale) {
    return jdbc.sql(
                "DELETE FROM notification_template WHERE customer_id = :c AND kind = :k"
                    + " AND locale = :l")
            .param("c", customerId)
            .param("k", kind)
            .param("l", locale)
            .update()
        > 0;
  }

  /** Checks kind, locale and the three templates; throws with every broken rule. */
  public void validate(String kind, String locale, NotificationTemplate template) {
    List<Violation> errors = new ArrayList<>();
    if (!KINDS.contains(kind)) {
      errors.add(new Violation("kind", kind, "kind must be one of: " + String.join(", ", KINDS)));
    }
    if (!Locales.isSupported(locale)) {
      errors.add(
          new Violation(
              "locale", locale, "locale must be one of: " + String.join(", ", Locales.SUPPORTED)));
    }
    if (template == null) {
      errors.add(new Violation("subject", null, "request body is required: subject, text, html"));
      throw new InvalidInputException(errors);
    }
    checkTemplate("subject", template.subject(), textCompiler, MAX_SUBJECT_CHARS, errors);
    checkTemplate("text", template.text(), textCompiler, MAX_TEMPLATE_CHARS, errors);
    checkTemplate("html", template.html(), htmlCompiler, MAX_TEMPLATE_CHARS, errors);
    if (template.subject() != null && template.subject().matches("(?s).*[\\r\\n].*")) {
      errors.add(new Violation("subject", template.subject(), "subject must be one line"));
    }
    if (template.html() != null && template.html().matches("(?s).*\\{\\{\\s*[{&=].*")) {
      errors.add(
          new Violation(
              "html",
              null,
              "html must not use unescaped values ({{{name}}} or {{&name}}) or change delimiters;"
                  + " write {{name}} and Lifeboat escapes the value"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
  }

  private void checkTemplate(
      String field, String source, Mustache.Compiler compiler, int max, List<Violation> errors) {
    if (source == null || source.isBlank()) {
      errors.add(new Violation(field, source, field + " is required"));
      return;
    }
    if (source.length() > max) {
      errors.add(
          new Violation(
              field,
              null,
              field + " must be at most " + max + " characters, but has " + source.length()));
      return;
    }
    try {
      Template template = compiler.compile(source);
      List<String> unknown = new ArrayList<>();
      template.visit(
          new Mustache.Visitor() {
            @Override
            public void visitText(String text) {}

            @Override
            public void visitVariable(String name) {
              if (!VARIABLES.contains(name) && !".".equals(name)) {
                unknown.add(name);
              }
            }

            @Override
            public boolean visitInclude(String name) {
              unknown.add(">" + name);
              return false;
            }

            @Override
            public boolean visitSection(String name) {
              if (!VARIABLES.contains(name)) {
                unknown.add("#" + name);
              }
              return true;
            }

            @Override
            public boolean visitInvertedSection(String name) {
              return visitSection(name);
            }
          });
      if (!unknown.isEmpty()) {
        errors.add(
            new Violation(
                field,
                String.join(", ", unknown),
                field
                    + " uses unknown values or includes "
                    + unknown
                    + "; allowed values: "
                    + String.join(", ", VARIABLES.stream().sorted().toList())));
      }
    } catch (MustacheException | IllegalArgumentException e) {
      errors.add(
          new Violation(
              field, null, field + " is not a valid Mustache template: " + e.getMessage()));
    }
  }

  private Map<String, Object> values(
      Customer customer, User user, String kind, String url, Instant expiry, Locale locale) {
    ZoneId zone = ZoneId.of(user.timezone());
    String expiryText =
        DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT)
            .withLocale(locale)
            .withZone(zone)
            .format(expiry);
    Map<String, Object> values = new HashMap<>();
    values.put("lang", locale.toLanguageTag());
    values.put("subject", message("mail." + kind + ".subject", locale));
    values.put("greeting", message("mail.greeting", locale, user.displayName()));
    values.put("intro", message("mail." + kind + ".intro", locale));
    values.put("linkLabel", message("mail.link", locale));
    values.put("button", message("mail.button", locale));
    values.put("expires", message("mail.expires", locale, expiryText));
    values.put("rulesHeading", message("policy.heading", locale));
    List<String> rules = new ArrayList<>();
    for (PasswordPolicy.Rule rule : PasswordPolicy.Rule.values()) {
      rules.add(message("policy." + rule.name(), locale));
    }
    values.put("rules", rules);
    values.put("ignore", message("mail.ignore", locale));
    values.put("displayName", user.displayName());
    values.put("givenName", user.givenName());
    values.put("surName", user.surName());
    values.put("email", user.email());
    values.put("url", url);
    values.put("expiry", expiryText);
    values.put("lifetimeDays", Integer.toString(customer.tokenLifetimeDays()));
    values.put("customerName", customer.name());
    return values;
  }

  private static String execute(
      Mustache.Compiler compiler, String source, Map<String, Object> values) {
    return compiler.compile(source).execute(values);
  }

  private String message(String key, Locale locale, Object... args) {
    return messages.getMessage(key, args.length == 0 ? null : args, locale);
  }

  /** Returns the text as one header-safe line: control characters become spaces. */
  static String oneLine(String text) {
    String line = text.replaceAll("\\p{Cntrl}+", " ").replaceAll("\\s{2,}", " ").strip();
    return line.length() <= MAX_SUBJECT_CHARS ? line : line.substring(0, MAX_SUBJECT_CHARS);
  }

  private static String resource(String path) {
    try {
      return new String(
          new ClassPathResource(path).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("built-in template " + path + " is missing", e);
    }
  }
}
