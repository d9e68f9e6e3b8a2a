package io.lifeboat.webmail;

import io.lifeboat.mailstore.Mailstore;
import io.lifeboat.mailstore.StoredMessage;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * Searches one folder or the whole mailbox by sender, recipient, subject and body text through the
 * mailstore's encrypted search index. A message matches when it contains every word of the query as
 * a whole word, ignoring case.
 */
@Service
class MailSearch {

  /**
   * The matches, newest first, whether the result cap was reached, and whether every message of the
   * mailbox was in the search index.
   */
  record Result(List<StoredMessage> messages, boolean truncated, boolean complete) {}

  private final Mailstore mailstore;
  private final WebmailProperties properties;

  MailSearch(Mailstore mailstore, WebmailProperties properties) {
    this.mailstore = mailstore;
    this.properties = properties;
  }

  /**
   * Searches the folder {@code folderId}, or every folder when it is null. While messages wait for
   * their search terms, for example during the index rebuild after an upgrade or a crash, they are
   * missing from the result, and {@code complete} is false.
   */
  Result find(long userId, Long folderId, String query) {
    Mailstore.SearchResult found =
        mailstore.search(userId, folderId, query, properties.maxSearchResults());
    return new Result(found.messages(), found.truncated(), found.complete());
  }
}
