package io.lifeboat.account;

import io.lifeboat.account.PasswordPolicy.Rule;
import io.lifeboat.audit.Actor;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.security.AuthThrottle;
import io.lifeboat.web.RequestIdFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The activation and password-reset pages that a token's link opens. Both set the password with the
 * same rules as the API. Every unusable token gets the same message, and failed attempts count
 * towards the per-address lockout shared with the REST APIs' logins.
 */
@Controller
public class AccountPagesController {

  /** Larger form bodies are rejected: four fields of at most 256 characters fit easily. */
  static final long MAX_FORM_BYTES = 16 * 1024;

  static final String ACTIVATION = "activation";
  static final String RESET = "password-reset";

  private final TokenService tokens;
  private final AuthThrottle throttle;
  private final AccountLocales locales;

  public AccountPagesController(
      TokenService tokens, AuthThrottle throttle, AccountLocales locales) {
    this.tokens = tokens;
    this.throttle = throttle;
    this.locales = locales;
  }

  @GetMapping("/activation")
  String activationForm(
      @RequestParam(required = false) String token,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    return form(ACTIVATION, token, request, response, model);
  }

  @GetMapping("/password-reset")
  String resetForm(
      @RequestParam(required = false) String token,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    return form(RESET, token, request, response, model);
  }

  @PostMapping("/activation")
  String activate(
      PasswordForm form, HttpServletRequest request, HttpServletResponse response, Model model) {
    return submit(ACTIVATION, form, request, response, model);
  }

  @PostMapping("/password-reset")
  String reset(
      PasswordForm form, HttpServletRequest request, HttpServletResponse response, Model model) {
    return submit(RESET, form, request, response, model);
  }

  /** Fields of the password form; each may be missing. */
  public record PasswordForm(String email, String token, String password, String confirm) {}

  private String form(
      String kind,
      String token,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    Locale locale = locales.resolve(request, response, token);
    fillModel(model, kind, locale, new PasswordForm(null, token, null, null), List.of(), List.of());
    return "account/password";
  }

  private String submit(
      String kind,
      PasswordForm form,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    Locale locale = locales.resolve(request, response, form.token());
    String client = "account:" + request.getRemoteAddr();
    List<String> errors = new ArrayList<>();
    List<Rule> broken = List.of();

    Instant locked = throttle.lockedUntil(client);
    if (locked != null) {
      response.setStatus(429);
      errors.add("error.throttled");
    } else if (request.getContentLengthLong() > MAX_FORM_BYTES) {
      response.setStatus(413);
      errors.add("error.tooLong");
    } else {
      broken = checkFields(form, errors);
      if (errors.isEmpty() && broken.isEmpty()) {
        try {
          tokens.setPassword(actor(request), form.email(), form.token(), form.password());
          throttle.succeeded(client);
          model.addAttribute("kind", kind);
          model.addAttribute("lang", locale.toLanguageTag());
          return "account/done";
        } catch (NotFoundException e) {
          throttle.failed(client);
          response.setStatus(400);
          errors.add("error.tokenInvalid");
        } catch (InvalidInputException e) {
          response.setStatus(400);
          broken = PasswordPolicy.brokenRules(form.password());
        }
      } else {
        response.setStatus(400);
      }
    }
    PasswordForm kept = new PasswordForm(form.email(), form.token(), null, null);
    fillModel(model, kind, locale, kept, errors, broken);
    return "account/password";
  }

  private static List<Rule> checkFields(PasswordForm form, List<String> errors) {
    if (isBlank(form.email())) {
      errors.add("error.emailMissing");
    } else if (form.email().length() > 256) {
      errors.add("error.tooLong");
    }
    if (isBlank(form.token())) {
      errors.add("error.tokenMissing");
    } else if (form.token().length() > 256) {
      errors.add("error.tooLong");
    }
    if (isBlank(form.password())) {
      errors.add("error.passwordMissing");
      return List.of();
    }
    if (!form.password().equals(form.confirm())) {
      errors.add("error.confirmMismatch");
    }
    return PasswordPolicy.brokenRules(form.password());
  }

  private static void fillModel(
      Model model,
      String kind,
      Locale locale,
      PasswordForm form,
      List<String> errors,
      List<Rule> broken) {
    model.addAttribute("kind", kind);
    model.addAttribute("lang", locale.toLanguageTag());
    model.addAttribute("form", form);
    model.addAttribute("errors", errors);
    model.addAttribute("broken", broken.stream().map(AccountPagesController::ruleKey).toList());
    model.addAttribute("rules", List.of(Rule.values()).stream().map(Rule::name).toList());
  }

  /** Returns the message key of a rule, as used by the page's rule list. */
  static String ruleKey(Rule rule) {
    return "policy." + rule.name();
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static Actor actor(HttpServletRequest request) {
    return new Actor(RequestIdFilter.requestId(request), "token", request.getRemoteAddr());
  }
}
