package io.lifeboat.webmail;

import io.lifeboat.directory.ConflictException;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.mailstore.FolderRole;
import io.lifeboat.mailstore.MailFolder;
import io.lifeboat.mailstore.Mailstore;
import io.lifeboat.mailstore.MessageFlag;
import io.lifeboat.mailstore.StoredMessage;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The state-changing mailbox actions. Each is a POST form with the CSRF token and ends with a
 * redirect to the mailbox, carrying a notice or an error key that the page translates.
 */
@Controller
class MailActionsController {

  private static final Logger log = LoggerFactory.getLogger(MailActionsController.class);
  private static final int EMPTY_BATCH = 200;

  private final Mailstore mailstore;

  MailActionsController(Mailstore mailstore) {
    this.mailstore = mailstore;
  }

  @PostMapping("/mail/message/{id}/move")
  String move(
      @AuthenticationPrincipal WebmailUser user, @PathVariable long id, @RequestParam long folder) {
    try {
      StoredMessage message = mailstore.message(user.id(), id);
      mailstore.move(user.id(), id, folder);
      return "redirect:/?folder=" + message.folderId() + "&notice=moved";
    } catch (NotFoundException missing) {
      return "redirect:/?error=notFound";
    }
  }

  @PostMapping("/mail/message/{id}/delete")
  String delete(@AuthenticationPrincipal WebmailUser user, @PathVariable long id) {
    try {
      StoredMessage message = mailstore.message(user.id(), id);
      Mailstore.Deletion outcome = mailstore.delete(user.id(), id);
      String notice = outcome == Mailstore.Deletion.REMOVED ? "removed" : "deleted";
      return "redirect:/?folder=" + message.folderId() + "&notice=" + notice;
    } catch (NotFoundException missing) {
      return "redirect:/?error=notFound";
    }
  }

  @PostMapping("/mail/message/{id}/seen")
  String seen(
      @AuthenticationPrincipal WebmailUser user,
      @PathVariable long id,
      @RequestParam boolean value) {
    return flag(user, id, MessageFlag.SEEN, value, !value);
  }

  @PostMapping("/mail/message/{id}/flag")
  String flagged(
      @AuthenticationPrincipal WebmailUser user,
      @PathVariable long id,
      @RequestParam boolean value) {
    return flag(user, id, MessageFlag.FLAGGED, value, false);
  }

  private String flag(
      WebmailUser user, long id, MessageFlag flag, boolean value, boolean backToList) {
    try {
      StoredMessage message = mailstore.message(user.id(), id);
      mailstore.setFlag(user.id(), id, flag, value);
      // Marking unread returns to the list, because reopening would mark it read again.
      return backToList ? "redirect:/?folder=" + message.folderId() : "redirect:/?message=" + id;
    } catch (NotFoundException missing) {
      return "redirect:/?error=notFound";
    }
  }

  @PostMapping("/mail/trash/empty")
  String emptyTrash(@AuthenticationPrincipal WebmailUser user) {
    MailFolder trash = mailstore.folder(user.id(), FolderRole.TRASH);
    int removed = 0;
    while (true) {
      List<StoredMessage> batch =
          mailstore.messages(user.id(), trash.id(), 0, EMPTY_BATCH).messages();
      if (batch.isEmpty()) {
        break;
      }
      for (StoredMessage message : batch) {
        mailstore.delete(user.id(), message.id());
        removed++;
      }
    }
    log.info(
        "Emptied Trash customer={} user={} messages={}", user.customerId(), user.id(), removed);
    return "redirect:/?folder=" + trash.id() + "&notice=emptied";
  }

  @PostMapping("/mail/folders")
  String createFolder(@AuthenticationPrincipal WebmailUser user, @RequestParam String name) {
    try {
      MailFolder created = mailstore.createFolder(user.id(), name);
      return "redirect:/?folder=" + created.id() + "&notice=folderCreated";
    } catch (InvalidInputException invalid) {
      return "redirect:/?error=folderName";
    } catch (ConflictException exists) {
      return "redirect:/?error=folderExists";
    }
  }

  @PostMapping("/mail/folders/{id}/rename")
  String renameFolder(
      @AuthenticationPrincipal WebmailUser user, @PathVariable long id, @RequestParam String name) {
    try {
      mailstore.renameFolder(user.id(), id, name);
      return "redirect:/?folder=" + id + "&notice=folderRenamed";
    } catch (InvalidInputException invalid) {
      return "redirect:/?folder=" + id + "&error=folderName";
    } catch (ConflictException exists) {
      return "redirect:/?folder=" + id + "&error=folderExists";
    } catch (NotFoundException missing) {
      return "redirect:/?error=notFound";
    }
  }

  @PostMapping("/mail/folders/{id}/delete")
  String deleteFolder(@AuthenticationPrincipal WebmailUser user, @PathVariable long id) {
    try {
      mailstore.deleteFolder(user.id(), id);
      return "redirect:/?notice=folderDeleted";
    } catch (InvalidInputException system) {
      return "redirect:/?folder=" + id + "&error=folderSystem";
    } catch (NotFoundException missing) {
      return "redirect:/?error=notFound";
    }
  }
}
