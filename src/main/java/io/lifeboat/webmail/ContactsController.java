package io.lifeboat.webmail;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The global address book page with its search. */
@Controller
class ContactsController {

  private final AddressBook addressBook;
  private final UserPreferences preferences;

  ContactsController(AddressBook addressBook, UserPreferences preferences) {
    this.addressBook = addressBook;
    this.preferences = preferences;
  }

  @GetMapping("/mail/contacts")
  String contacts(
      @AuthenticationPrincipal WebmailUser user,
      @RequestParam(defaultValue = "") String q,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    model.addAttribute("settings", preferences.apply(user, request, response));
    model.addAttribute("user", user);
    model.addAttribute("query", q);
    model.addAttribute("contacts", addressBook.search(user.customerId(), q));
    model.addAttribute("maxResults", AddressBook.MAX_RESULTS);
    return "webmail/contacts";
  }
}
