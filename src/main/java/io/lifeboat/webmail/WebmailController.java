package io.lifeboat.webmail;

import io.lifeboat.web.LocaleNegotiation;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The login page and the signed-in start page of the webmail. */
@Controller
public class WebmailController {

  private static final Set<String> LOGIN_ERRORS =
      Set.of("credentials", "closed", "throttled", "ended");

  @GetMapping("/login")
  String login(
      @RequestParam(required = false) String error,
      @RequestParam(required = false) String logout,
      Model model) {
    model.addAttribute("error", error != null && LOGIN_ERRORS.contains(error) ? error : null);
    model.addAttribute("loggedOut", logout != null);
    return "webmail/login";
  }

  // NOTE: the start page shows only who is signed in until the mailbox view (folders, message
  // list, reading pane) is built on the mailstore.
  @GetMapping("/")
  String home(@AuthenticationPrincipal WebmailUser user, HttpServletRequest request, Model model) {
    LocaleNegotiation.fix(request, LocaleNegotiation.toLocale(user.language()));
    model.addAttribute("user", user);
    return "webmail/home";
  }
}
