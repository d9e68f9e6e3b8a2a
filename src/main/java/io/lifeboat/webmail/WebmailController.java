package io.lifeboat.webmail;

import io.lifeboat.web.LocaleNegotiation;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The login page of the webmail. The mailbox itself is {@link MailboxController}. */
@Controller
public class WebmailController {

  private static final Set<String> LOGIN_ERRORS =
      Set.of("credentials", "closed", "throttled", "ended");

  @GetMapping("/login")
  String login(
      @RequestParam(required = false) String error,
      @RequestParam(required = false) String logout,
      @CookieValue(name = UserPreferences.COOKIE, required = false) String preferences,
      HttpServletRequest request,
      Model model) {
    if (preferences != null) {
      // The language chosen in the settings of the last user of this browser.
      String language = WebmailSettings.fromCookie(preferences).language();
      LocaleNegotiation.fix(request, LocaleNegotiation.toLocale(language));
    }
    model.addAttribute("error", error != null && LOGIN_ERRORS.contains(error) ? error : null);
    model.addAttribute("loggedOut", logout != null);
    return "webmail/login";
  }
}
