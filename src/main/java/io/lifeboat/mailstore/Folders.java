package io.lifeboat.mailstore;

import io.lifeboat.directory.ConflictException;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.mailstore.FolderRepository.Row;
import java.text.Normalizer;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Folder operations of {@link Mailstore}. Custom folder names are encrypted, so the database cannot
 * enforce their uniqueness. Changes to a mailbox's folders lock its mailbox row instead, and the
 * names are compared after decryption.
 */
@Component
class Folders {

  private static final Logger log = LoggerFactory.getLogger(Folders.class);

  /** Maximum folder name length, in Unicode code points. */
  static final int MAX_NAME_LENGTH = 200;

  private final FolderRepository folders;
  private final MailboxRepository mailboxes;
  private final MessageChanges changes;
  private final MailstoreProperties properties;
  private final TransactionTemplate transactions;
  private final Clock clock;

  Folders(
      FolderRepository folders,
      MailboxRepository mailboxes,
      MessageChanges changes,
      MailstoreProperties properties,
      TransactionTemplate transactions,
      Clock clock) {
    this.folders = folders;
    this.mailboxes = mailboxes;
    this.changes = changes;
    this.properties = properties;
    this.transactions = transactions;
    this.clock = clock;
  }

  List<MailFolder> list(MailboxCipher cipher) {
    return folders.list(cipher.userId()).stream()
        .map(row -> folder(cipher, row))
        .sorted(
            Comparator.comparing((MailFolder f) -> f.role() == null ? 1 : 0)
                .thenComparing(f -> f.role() == null ? 0 : f.role().ordinal())
                .thenComparing(f -> f.name().toLowerCase(Locale.ROOT)))
        .toList();
  }

  MailFolder find(MailboxCipher cipher, long folderId) {
    return folders
        .find(cipher.userId(), folderId)
        .map(row -> folder(cipher, row))
        .orElseThrow(() -> folderNotFound(folderId));
  }

  MailFolder system(MailboxCipher cipher, FolderRole role) {
    long userId = cipher.userId();
    long id =
        folders
            .idOf(userId, role)
            .orElseGet(
                () -> {
                  folders.insertIfAbsent(userId, role, clock.instant());
                  log.info("Created folder user={} role={}", userId, role);
                  return folders.idOf(userId, role).orElseThrow();
                });
    return find(cipher, id);
  }

  MailFolder create(MailboxCipher cipher, String requestedName) {
    String name = validName(requestedName);
    long userId = cipher.userId();
    long id =
        inMailboxLock(
            userId,
            () -> {
              List<MailFolder> existing = list(cipher);
              long custom = existing.stream().filter(f -> !f.isSystem()).count();
              if (custom >= properties.maxCustomFolders()) {
                throw new ConflictException(
                    "mailbox has the maximum of "
                        + properties.maxCustomFolders()
                        + " custom folders; delete one before creating another");
              }
              requireUnused(existing, name, -1);
              return folders.insertCustom(userId, cipher.encryptFolderName(name), clock.instant());
            });
    log.info("Created folder user={} folder={}", userId, id);
    return find(cipher, id);
  }

  MailFolder rename(MailboxCipher cipher, long folderId, String requestedName) {
    MailFolder folder = find(cipher, folderId);
    if (folder.isSystem()) {
      throw new InvalidInputException(
          "folderId",
          Long.toString(folderId),
          "the system folder " + folder.name() + " cannot be renamed");
    }
    String name = validName(requestedName);
    long userId = cipher.userId();
    inMailboxLock(
        userId,
        () -> {
          requireUnused(list(cipher), name, folderId);
          folders.rename(userId, folderId, cipher.encryptFolderName(name));
          return folderId;
        });
    log.info("Renamed folder user={} folder={}", userId, folderId);
    return find(cipher, folderId);
  }

  int delete(MailboxCipher cipher, long folderId) {
    MailFolder folder = find(cipher, folderId);
    if (folder.isSystem()) {
      throw new InvalidInputException(
          "folderId",
          Long.toString(folderId),
          "the system folder " + folder.name() + " cannot be deleted");
    }
    long userId = cipher.userId();
    long trashId = system(cipher, FolderRole.TRASH).id();
    long moved = changes.moveAllAndDeleteFolder(userId, folderId, trashId);
    log.info("Deleted folder user={} folder={} messagesMovedToTrash={}", userId, folderId, moved);
    return (int) moved;
  }

  private long inMailboxLock(long userId, LongSupplier work) {
    Long result =
        transactions.execute(
            status -> {
              if (!mailboxes.lock(userId)) {
                throw Mailboxes.userNotFound(userId);
              }
              return work.getAsLong();
            });
    return result == null ? 0 : result;
  }

  private MailFolder folder(MailboxCipher cipher, Row row) {
    String name =
        row.role() != null ? row.role().displayName() : cipher.decryptFolderName(row.name());
    return new MailFolder(row.id(), row.role(), name, row.total(), row.unread());
  }

  /**
   * Returns the name trimmed and in Unicode normalization form C, or rejects it with the rule it
   * breaks.
   */
  static String validName(String requested) {
    if (requested == null || requested.isBlank()) {
      throw new InvalidInputException(
          "name",
          requested,
          "folder name is missing: give 1 to " + MAX_NAME_LENGTH + " characters");
    }
    String name = Normalizer.normalize(requested.strip(), Normalizer.Form.NFC);
    if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
      throw new InvalidInputException(
          "name",
          requested,
          "folder name is too long: "
              + name.codePointCount(0, name.length())
              + " characters, at most "
              + MAX_NAME_LENGTH);
    }
    boolean forbidden =
        name.codePoints()
            .anyMatch(
                c ->
                    c == '/'
                        || Character.getType(c) == Character.CONTROL
                        || Character.getType(c) == Character.FORMAT
                        || Character.getType(c) == Character.LINE_SEPARATOR
                        || Character.getType(c) == Character.PARAGRAPH_SEPARATOR);
    if (forbidden) {
      throw new InvalidInputException(
          "name",
          requested,
          "folder name contains '/' or an invisible control character; remove it");
    }
    for (FolderRole role : FolderRole.values()) {
      if (role.displayName().equalsIgnoreCase(name) || role.name().equalsIgnoreCase(name)) {
        throw new InvalidInputException(
            "name",
            requested,
            "folder name '" + name + "' is reserved for a system folder; choose another name");
      }
    }
    return name;
  }

  private static void requireUnused(List<MailFolder> existing, String name, long exceptId) {
    String key = name.toLowerCase(Locale.ROOT);
    for (MailFolder folder : existing) {
      if (folder.id() != exceptId && folder.name().toLowerCase(Locale.ROOT).equals(key)) {
        throw new ConflictException(
            "a folder named '" + folder.name() + "' exists already; choose another name");
      }
    }
  }

  static NotFoundException folderNotFound(long folderId) {
    return new NotFoundException("folder " + folderId + " not found");
  }
}
