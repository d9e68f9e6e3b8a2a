package io.lifeboat.webmail;

import io.lifeboat.mailstore.MailAddress;
import io.lifeboat.mailstore.MailFolder;
import io.lifeboat.mailstore.Mailstore;
import io.lifeboat.mailstore.MessageMetadata;
import io.lifeboat.mailstore.MessagePage;
import io.lifeboat.mailstore.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Service;

/**
 * Searches one folder or the whole mailbox by sender, recipient, subject and the start of the body
 * text. Metadata is encrypted at rest, so each search decrypts the metadata of the folders
 * searched, page by page. A message matches when every word of the query occurs, ignoring case, in
 * any of those fields.
 */
@Service
class MailSearch {

  /** The matches, newest first within each folder, and whether the result cap was reached. */
  record Result(List<StoredMessage> messages, boolean truncated) {}

  private static final int SCAN_PAGE = 200;

  private final Mailstore mailstore;
  private final WebmailProperties properties;

  MailSearch(Mailstore mailstore, WebmailProperties properties) {
    this.mailstore = mailstore;
    this.properties = properties;
  }

  // NOTE: the time grows linearly with the mailbox: a search of 100,000 messages took 30 s at the
  // median (docs/benchmarks.md), far above the 500 ms target. Meeting it needs a search index kept
  // encrypted per mailbox.
  /** Searches the folder {@code folderId}, or every folder when it is null. */
  Result find(long userId, Long folderId, String query) {
    List<String> words = words(query);
    if (words.isEmpty()) {
      return new Result(List.of(), false);
    }
    List<StoredMessage> found = new ArrayList<>();
    for (MailFolder folder : mailstore.folders(userId)) {
      if (folderId != null && folder.id() != folderId) {
        continue;
      }
      if (scan(userId, folder, words, found)) {
        return new Result(found, true);
      }
    }
    return new Result(found, false);
  }

  /** Adds the matches of one folder; returns true once the result cap is reached. */
  private boolean scan(
      long userId, MailFolder folder, List<String> words, List<StoredMessage> out) {
    for (int offset = 0; offset < folder.total(); offset += SCAN_PAGE) {
      MessagePage page = mailstore.messages(userId, folder.id(), offset, SCAN_PAGE);
      for (StoredMessage message : page.messages()) {
        if (matches(message.metadata(), words)) {
          out.add(message);
          if (out.size() >= properties.maxSearchResults()) {
            return true;
          }
        }
      }
      if (page.messages().size() < SCAN_PAGE) {
        break;
      }
    }
    return false;
  }

  static List<String> words(String query) {
    if (query == null) {
      return List.of();
    }
    List<String> words = new ArrayList<>();
    for (String word : query.toLowerCase(Locale.ROOT).trim().split("\\s+")) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return words;
  }

  // NOTE: body text is matched against the stored snippet (the first 256 characters of the text
  // body), because the full body would mean decrypting and parsing every raw message per search.
  private static boolean matches(MessageMetadata metadata, List<String> words) {
    StringBuilder text = new StringBuilder();
    text.append(metadata.subject() == null ? "" : metadata.subject()).append('\n');
    addresses(text, metadata.from());
    addresses(text, metadata.to());
    addresses(text, metadata.cc());
    addresses(text, metadata.bcc());
    text.append(metadata.snippet());
    String haystack = text.toString().toLowerCase(Locale.ROOT);
    for (String word : words) {
      if (!haystack.contains(word)) {
        return false;
      }
    }
    return true;
  }

  private static void addresses(StringBuilder text, List<MailAddress> list) {
    for (MailAddress address : list) {
      text.append(address.name() == null ? "" : address.name()).append(' ');
      text.append(address.address() == null ? "" : address.address()).append('\n');
    }
  }
}
