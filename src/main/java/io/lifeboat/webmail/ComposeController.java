package io.lifeboat.webmail;

import io.lifeboat.directory.NotFoundException;
import io.lifeboat.mailstore.AttachmentInfo;
import io.lifeboat.mailstore.FolderRole;
import io.lifeboat.mailstore.Mailstore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * Writing mail. The compose page serves a new message, a reply, a forward or a reopened draft.
 * Drafts are saved on request, on upload and automatically by the page script. The controller also
 * sends mail and completes addresses from the customer's own address book.
 */
@Controller
class ComposeController {

  private static final Logger log = LoggerFactory.getLogger(ComposeController.class);

  /** Suggestions returned by the address completion. */
  static final int MAX_SUGGESTIONS = 10;

  private final ComposeService compose;
  private final ComposePrefill prefill;
  private final Mailstore mailstore;
  private final AddressBook addressBook;
  private final UserPreferences preferences;
  private final MessageSource messages;

  ComposeController(
      ComposeService compose,
      ComposePrefill prefill,
      Mailstore mailstore,
      AddressBook addressBook,
      UserPreferences preferences,
      MessageSource messages) {
    this.compose = compose;
    this.prefill = prefill;
    this.mailstore = mailstore;
    this.addressBook = addressBook;
    this.preferences = preferences;
    this.messages = messages;
  }

  @GetMapping("/mail/compose")
  String page(
      @AuthenticationPrincipal WebmailUser user,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) Long draft,
      @RequestParam(required = false) Long reply,
      @RequestParam(required = false) Long replyAll,
      @RequestParam(required = false) Long forward,
      @RequestParam(required = false) String notice,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model)
      throws IOException {
    WebmailSettings settings = preferences.apply(user, request, response);
    Locale locale = RequestContextUtils.getLocale(request);
    MailboxViews views = new MailboxViews(user.timezone(), settings, locale);
    ComposeForm form;
    try {
      if (draft != null) {
        form = prefill.draft(user, draft);
      } else if (reply != null || replyAll != null) {
        form =
            prefill.reply(user, reply != null ? reply : replyAll, replyAll != null, views, locale);
      } else if (forward != null) {
        form = prefill.forward(user, forward, views, locale);
      } else {
        form = ComposeForm.empty();
        if (to != null) {
          form = new ComposeForm(to, "", "", "", "", List.of(), null, null, null, null);
        }
      }
    } catch (NotFoundException missing) {
      return "redirect:/?error=notFound";
    }
    model.addAttribute("notice", "draftSaved".equals(notice) ? notice : null);
    return render(user, settings, form, model);
  }

  /**
   * The compose form's submit buttons: {@code save}, {@code attach}, {@code remove:<ref>} and
   * {@code send}. Every action but send saves the draft and shows it again.
   */
  @PostMapping("/mail/compose")
  String submit(
      @AuthenticationPrincipal WebmailUser user,
      @ModelAttribute ComposeForm form,
      @RequestParam(defaultValue = "save") String action,
      @RequestParam(required = false) String from,
      @RequestParam(name = "files", required = false) List<MultipartFile> files,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model)
      throws IOException {
    requireOwnAddress(user, from);
    WebmailSettings settings = preferences.apply(user, request, response);
    List<MultipartFile> uploads = files == null ? List.of() : files;
    if (action.startsWith("remove:")) {
      List<String> keep = new ArrayList<>(form.keep());
      keep.remove(action.substring("remove:".length()));
      form = form.withKeep(keep);
    }

    Composition composition;
    try {
      composition = compose.composition(user, form, uploads);
    } catch (ComposeException invalid) {
      return rejected(user, settings, form, uploads, invalid, request, model);
    }

    if (action.equals("send")) {
      try {
        compose.send(
            user,
            composition,
            form.draft(),
            composition.inReplyTo() != null,
            request.getRemoteAddr());
      } catch (ComposeException invalid) {
        return rejected(user, settings, form, List.of(), invalid, request, model);
      }
      long sent = mailstore.folder(user.id(), FolderRole.SENT).id();
      return "redirect:/?folder=" + sent + "&notice=sent";
    }
    long saved = compose.saveDraft(user, composition, form.draft());
    return "redirect:/mail/compose?draft=" + saved + "&notice=draftSaved";
  }

  /**
   * Saves the draft for the page script, without uploads. Returns the new draft id and the
   * references of its attachments in form order, or the localized error with status 422.
   */
  @PostMapping("/mail/compose/autosave")
  @ResponseBody
  ResponseEntity<Map<String, Object>> autosave(
      @AuthenticationPrincipal WebmailUser user,
      @ModelAttribute ComposeForm form,
      @RequestParam(required = false) String from,
      HttpServletRequest request)
      throws IOException {
    requireOwnAddress(user, from);
    Map<String, Object> body = new LinkedHashMap<>();
    try {
      Composition composition = compose.composition(user, form, List.of());
      long saved = compose.saveDraft(user, composition, form.draft());
      List<String> refs = new ArrayList<>();
      for (AttachmentInfo attachment :
          mailstore.message(user.id(), saved).metadata().attachments()) {
        refs.add(saved + ":" + attachment.partPath());
      }
      body.put("draft", saved);
      body.put("attachments", refs);
      return ResponseEntity.ok(body);
    } catch (ComposeException invalid) {
      body.put("error", localized(invalid, request));
      return ResponseEntity.unprocessableEntity().body(body);
    }
  }

  /** Suggests addresses of the user's own customer, never of another customer. */
  @GetMapping("/mail/compose/addresses")
  @ResponseBody
  List<Map<String, String>> addresses(
      @AuthenticationPrincipal WebmailUser user, @RequestParam(defaultValue = "") String q) {
    List<Map<String, String>> suggestions = new ArrayList<>();
    if (q.strip().length() < 2) {
      return suggestions;
    }
    for (AddressBook.Contact contact : addressBook.search(user.customerId(), q)) {
      if (suggestions.size() >= MAX_SUGGESTIONS) {
        break;
      }
      Map<String, String> entry = new LinkedHashMap<>();
      entry.put("name", contact.name());
      entry.put("email", contact.email());
      suggestions.add(entry);
    }
    return suggestions;
  }

  /**
   * Rejects a {@code from} value other than the user's own address. From is always set from the
   * directory, so the parameter only exists to fail loudly when a client tries to choose another.
   */
  static void requireOwnAddress(WebmailUser user, String from) {
    if (from != null && !from.isBlank() && !from.strip().equalsIgnoreCase(user.email())) {
      log.warn(
          "Rejected sender address customer={} user={} from=<{}>",
          user.customerId(),
          user.id(),
          from.strip());
      throw new ResponseStatusException(
          HttpStatus.FORBIDDEN,
          "sender address " + from.strip() + " is not yours; mail is sent from " + user.email());
    }
  }

  /**
   * Shows the form again with the error. When the uploads made the message too large, the draft is
   * saved without them, so the text and earlier attachments are kept.
   */
  private String rejected(
      WebmailUser user,
      WebmailSettings settings,
      ComposeForm form,
      List<MultipartFile> uploads,
      ComposeException invalid,
      HttpServletRequest request,
      Model model)
      throws IOException {
    log.info(
        "Rejected compose request customer={} user={}: {}",
        user.customerId(),
        user.id(),
        invalid.getMessage());
    ComposeForm formToShow = form;
    if (invalid.messageKey().equals("compose.error.tooLarge") && !uploads.isEmpty()) {
      try {
        Composition withoutUploads = compose.composition(user, form, List.of());
        formToShow = form.withDraft(compose.saveDraft(user, withoutUploads, form.draft()));
      } catch (ComposeException stillInvalid) {
        log.info("Draft not saved user={}: {}", user.id(), stillInvalid.getMessage());
      }
    }
    model.addAttribute("error", localized(invalid, request));
    return render(user, settings, formToShow, model);
  }

  private String render(WebmailUser user, WebmailSettings settings, ComposeForm form, Model model) {
    model.addAttribute("user", user);
    model.addAttribute("settings", settings);
    model.addAttribute("form", form);
    model.addAttribute("attachments", prefill.attachments(user, form.keep()));
    model.addAttribute("maxBytes", compose.maxMessageBytes());
    model.addAttribute(
        "maxMegabytes", String.format(Locale.ROOT, "%.0f", compose.maxMessageBytes() / 1048576.0));
    model.addAttribute("showCopies", !form.cc().isBlank() || !form.bcc().isBlank());
    return "webmail/compose";
  }

  private String localized(ComposeException invalid, HttpServletRequest request) {
    return messages.getMessage(
        invalid.messageKey(), invalid.arguments(), RequestContextUtils.getLocale(request));
  }
}
