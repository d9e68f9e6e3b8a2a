package io.lifeboat.webmail;

import io.lifeboat.directory.NotFoundException;
import io.lifeboat.mailstore.FolderRole;
import io.lifeboat.mailstore.MailFolder;
import io.lifeboat.mailstore.Mailstore;
import io.lifeboat.mailstore.MessageFlag;
import io.lifeboat.mailstore.MessagePage;
import io.lifeboat.mailstore.StoredMessage;
import io.lifeboat.webmail.MailboxViews.MessageRow;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * The mailbox: folder list, one page of the message list and the reading pane, as a whole page at
 * {@code /} and as the refreshable fragment at {@code /mail/list}; search results in the same
 * layout at {@code /mail/search}.
 */
@Controller
class MailboxController {

  private static final Set<String> NOTICES =
      Set.of(
          "moved",
          "deleted",
          "removed",
          "emptied",
          "folderCreated",
          "folderRenamed",
          "folderDeleted",
          "settingsSaved",
          "sent");
  private static final Set<String> ERRORS =
      Set.of("folderName", "folderExists", "notFound", "folderSystem");

  private final Mailstore mailstore;
  private final MailSearch search;
  private final UserPreferences preferences;
  private final WebmailProperties properties;

  MailboxController(
      Mailstore mailstore,
      MailSearch search,
      UserPreferences preferences,
      WebmailProperties properties) {
    this.mailstore = mailstore;
    this.search = search;
    this.preferences = preferences;
    this.properties = properties;
  }

  @GetMapping("/")
  String mailbox(
      @AuthenticationPrincipal WebmailUser user,
      @RequestParam(required = false) Long folder,
      @RequestParam(defaultValue = "1") int page,
      @RequestParam(required = false) Long message,
      @RequestParam(required = false) String notice,
      @RequestParam(required = false) String error,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    WebmailSettings settings = preferences.apply(user, request, response);
    model.addAttribute("notice", notice != null && NOTICES.contains(notice) ? notice : null);
    model.addAttribute("error", error != null && ERRORS.contains(error) ? error : null);
    if (message != null) {
      // Opening a message marks it as read. Ids of other users and unknown ids match nothing
      // here, and fill reports them as not found.
      mailstore.setFlag(user.id(), List.of(message), MessageFlag.SEEN, true);
    }
    fill(user, settings, folder, page, message, request, model);
    return "webmail/mailbox";
  }

  /** The folder list and message list alone, fetched by the refresh script. */
  @GetMapping("/mail/list")
  String lists(
      @AuthenticationPrincipal WebmailUser user,
      @RequestParam(required = false) Long folder,
      @RequestParam(defaultValue = "1") int page,
      @RequestParam(required = false) Long message,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    WebmailSettings settings = preferences.apply(user, request, response);
    fillLists(user, settings, folder, page, message, request, model);
    return "webmail/mailbox :: lists";
  }

  @GetMapping("/mail/search")
  String search(
      @AuthenticationPrincipal WebmailUser user,
      @RequestParam(defaultValue = "") String q,
      @RequestParam(required = false) Long folder,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    WebmailSettings settings = preferences.apply(user, request, response);
    fillLists(user, settings, folder, 1, null, request, model);
    MailboxViews views = views(user, settings, request);
    MailSearch.Result found = search.find(user.id(), folder, q);
    model.addAttribute("rows", found.messages().stream().map(m -> views.row(m, -1)).toList());
    model.addAttribute("query", q);
    model.addAttribute("searchFolder", folder);
    model.addAttribute("searchTruncated", found.truncated());
    model.addAttribute("searchIncomplete", !found.complete());
    model.addAttribute("searching", true);
    model.addAttribute("pageCount", 1);
    return "webmail/mailbox";
  }

  private void fill(
      WebmailUser user,
      WebmailSettings settings,
      Long folderId,
      int page,
      Long messageId,
      HttpServletRequest request,
      Model model) {
    StoredMessage opened = null;
    if (messageId != null) {
      try {
        opened = mailstore.message(user.id(), messageId);
        folderId = opened.folderId();
      } catch (NotFoundException missing) {
        model.addAttribute("error", "notFound");
      }
    }
    fillLists(user, settings, folderId, page, opened == null ? null : opened.id(), request, model);
    if (opened != null) {
      model.addAttribute("detail", views(user, settings, request).detail(opened));
    }
  }

  private void fillLists(
      WebmailUser user,
      WebmailSettings settings,
      Long folderId,
      int page,
      Long selected,
      HttpServletRequest request,
      Model model) {
    List<MailFolder> folders = foldersWithSystemFolders(user);
    MailFolder current = currentFolder(user, folders, folderId);
    int pageSize = properties.pageSize();
    int pageCount = (int) Math.max(1, (current.total() + pageSize - 1) / pageSize);
    int pageNumber = Math.min(Math.max(page, 1), pageCount);
    MessagePage listed =
        mailstore.messages(user.id(), current.id(), (pageNumber - 1) * pageSize, pageSize);
    MailboxViews views = views(user, settings, request);
    long selectedId = selected == null ? -1 : selected;
    List<MessageRow> rows = listed.messages().stream().map(m -> views.row(m, selectedId)).toList();

    model.addAttribute("user", user);
    model.addAttribute("settings", settings);
    model.addAttribute(
        "folders", folders.stream().map(f -> MailboxViews.folder(f, current.id())).toList());
    model.addAttribute("moveTargets", folders);
    model.addAttribute("current", MailboxViews.folder(current, current.id()));
    model.addAttribute("isTrash", current.role() == FolderRole.TRASH);
    model.addAttribute("rows", rows);
    model.addAttribute("page", pageNumber);
    model.addAttribute("pageCount", pageCount);
    model.addAttribute("total", current.total());
    model.addAttribute("selected", selected);
    model.addAttribute("refreshSeconds", properties.refreshInterval().toSeconds());
  }

  /** Lists the folders, first creating Drafts, Sent and Trash if this mailbox has none yet. */
  private List<MailFolder> foldersWithSystemFolders(WebmailUser user) {
    List<MailFolder> folders = mailstore.folders(user.id());
    Set<FolderRole> present =
        folders.stream()
            .map(MailFolder::role)
            .filter(java.util.Objects::nonNull)
            .collect(java.util.stream.Collectors.toSet());
    if (present.containsAll(List.of(FolderRole.values()))) {
      return folders;
    }
    for (FolderRole role : FolderRole.values()) {
      mailstore.folder(user.id(), role);
    }
    return mailstore.folders(user.id());
  }

  private MailFolder currentFolder(WebmailUser user, List<MailFolder> folders, Long folderId) {
    if (folderId != null) {
      for (MailFolder folder : folders) {
        if (folder.id() == folderId) {
          return folder;
        }
      }
    }
    return folders.stream()
        .filter(f -> f.role() == FolderRole.INBOX)
        .findFirst()
        .orElseGet(() -> mailstore.folder(user.id(), FolderRole.INBOX));
  }

  private static MailboxViews views(
      WebmailUser user, WebmailSettings settings, HttpServletRequest request) {
    Locale locale = RequestContextUtils.getLocale(request);
    return new MailboxViews(user.timezone(), settings, locale);
  }
}
