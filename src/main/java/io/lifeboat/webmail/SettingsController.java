package io.lifeboat.webmail;

import io.lifeboat.directory.Locales;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The settings page: language, date and time format, font and font size. */
@Controller
class SettingsController {

  private final UserPreferences preferences;

  SettingsController(UserPreferences preferences) {
    this.preferences = preferences;
  }

  @GetMapping("/settings")
  String settings(
      @AuthenticationPrincipal WebmailUser user,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    model.addAttribute("settings", preferences.apply(user, request, response));
    model.addAttribute("user", user);
    model.addAttribute("languages", Locales.SUPPORTED);
    return "webmail/settings";
  }

  @PostMapping("/settings")
  String save(
      @AuthenticationPrincipal WebmailUser user,
      @RequestParam String language,
      @RequestParam String dateFormat,
      @RequestParam String timeFormat,
      @RequestParam String font,
      @RequestParam String fontSize,
      HttpServletRequest request,
      HttpServletResponse response) {
    // Values outside the fixed sets fall back to the defaults in WebmailSettings.
    WebmailSettings settings =
        new WebmailSettings(language, dateFormat, timeFormat, font, fontSize);
    preferences.save(user, settings, request, response);
    return "redirect:/?notice=settingsSaved";
  }
}
