package io.lifeboat.mailstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lifeboat.directory.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Search through the encrypted search index: what is indexed, scopes, limits and the rebuild. */
class SearchIndexTest extends MailstoreTestSupport {

  @Autowired LocalDelivery delivery;
  @Autowired Mailstore mailstore;
  @Autowired SearchIndex searchIndex;
  @Autowired SearchIndexer indexer;
  @Autowired Mailboxes mailboxes;
  @Autowired SearchTermRepository searchTerms;
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate transactions;
  @Autowired ApplicationContext context;

  @Test
  void findsSenderRecipientSubjectAndBody() throws IOException {
    long user = newUser("fields");
    long id =
        deliver(
            user,
            "fields-1",
            message(
                "Olga Petrova <olga@east.example>", "Quarterly numbers", "The budget is fine."));
    deliver(user, "fields-2", message("Ivan <ivan@east.example>", "Lunch", "See you at noon."));

    assertThat(ids(user, null, "olga")).containsExactly(id);
    assertThat(ids(user, null, "petrova")).containsExactly(id);
    assertThat(ids(user, null, "olga@east.example")).containsExactly(id);
    assertThat(ids(user, null, "QUARTERLY")).containsExactly(id);
    assertThat(ids(user, null, "budget fine")).containsExactly(id);
    assertThat(ids(user, null, "reader")).hasSize(2);
    assertThat(ids(user, null, "budget noon")).isEmpty();
    assertThat(ids(user, null, "budg")).isEmpty();
  }

  @Test
  void findsWordsDeepInLargeAndHtmlBodies() throws IOException {
    long user = newUser("bodies");
    String filler = "lorem ipsum dolor sit amet ".repeat(20_000);
    long plain =
        deliver(
            user, "large-1", message("a@b.example", "Large", filler + "\nthe hidden tangerine\n"));
    String html =
        "<html><head><style>.kumquat { color: red }</style><script>var persimmon = 1;</script>"
            + "</head><body><p>Caf&eacute; <b>gooseberry</b>&nbsp;pie</p></body></html>";
    long htmlMessage =
        deliver(
            user,
            "html-1",
            "From: a@b.example\nTo: reader@c.example\nSubject: Html\n"
                + "Content-Type: text/html; charset=utf-8\n\n"
                + html
                + "\n");

    assertThat(ids(user, null, "tangerine")).containsExactly(plain);
    assertThat(ids(user, null, "gooseberry pie")).containsExactly(htmlMessage);
    assertThat(ids(user, null, "café")).containsExactly(htmlMessage);
    assertThat(ids(user, null, "kumquat")).isEmpty();
    assertThat(ids(user, null, "persimmon")).isEmpty();
  }

  @Test
  void searchesOneFolderOrAll() throws IOException {
    long user = newUser("scopes");
    long inboxHit = deliver(user, "scope-1", message("a@b.example", "Walnut", "one"));
    long movedHit = deliver(user, "scope-2", message("a@b.example", "Walnut", "two"));
    long archive = mailstore.createFolder(user, "Archive").id();
    mailstore.move(user, movedHit, archive);
    long inbox = mailstore.folder(user, FolderRole.INBOX).id();

    assertThat(ids(user, null, "walnut")).containsExactly(movedHit, inboxHit);
    assertThat(ids(user, inbox, "walnut")).containsExactly(inboxHit);
    assertThat(ids(user, archive, "walnut")).containsExactly(movedHit);
  }

  @Test
  void manyCommonMatchesAreCappedNewestFirst() throws IOException {
    long user = newUser("common");
    long newest = 0;
    for (int i = 0; i < 12; i++) {
      newest = deliver(user, "common-" + i, message("a@b.example", "Status " + i, "routine"));
    }
    Mailstore.SearchResult found = mailstore.search(user, null, "routine", 5);
    assertThat(found.messages()).hasSize(5);
    assertThat(found.truncated()).isTrue();
    assertThat(found.messages().getFirst().id()).isEqualTo(newest);
    assertThat(mailstore.search(user, null, "routine status 3", 5).messages()).hasSize(1);
  }

  @Test
  void everyDriverTermGivesSameIds() throws IOException {
    long user = newUser("plans");
    for (int i = 0; i < 8; i++) {
      deliver(user, "plan-" + i, message("a@b.example", "Report " + (i % 2), "weekly"));
    }
    long inbox = mailstore.folder(user, FolderRole.INBOX).id();
    long[] terms = mailboxes.open(user).searchTerms(List.of("weekly", "report", "1"));
    for (Long folder : new Long[] {null, inbox}) {
      List<Long> expected = terms(user, folder, terms, 0);
      assertThat(expected).hasSize(3);
      assertThat(expected).isSortedAccordingTo(java.util.Comparator.reverseOrder());
      assertThat(terms(user, folder, terms, 1)).isEqualTo(expected);
      assertThat(terms(user, folder, terms, 2)).isEqualTo(expected);
    }
    long archive = mailstore.createFolder(user, "Archive").id();
    assertThat(terms(user, archive, terms, 0)).isEmpty();
  }

  private List<Long> terms(long user, Long folder, long[] terms, int driver) {
    return searchTerms.matchingIds(user, folder, terms, driver, 3);
  }

  @Test
  void appendedMessagesAreIndexedAndRemovedOnDelete() throws IOException {
    long user = newUser("appends");
    long drafts = mailstore.folder(user, FolderRole.DRAFTS).id();
    long id =
        mailstore.append(
            user,
            drafts,
            new ByteArrayInputStream(
                message("me@b.example", "Draft", "apricot").getBytes(StandardCharsets.UTF_8)),
            Set.of(MessageFlag.SEEN));
    assertThat(ids(user, null, "apricot")).containsExactly(id);
    mailstore.delete(user, id);
    mailstore.delete(user, id);
    assertThat(ids(user, null, "apricot")).isEmpty();
    assertThat(termRows(user)).isZero();
  }

  @Test
  void otherUsersTermsDoNotMatch() throws IOException {
    long owner = newUser("owner");
    long intruder = newUser("intruder");
    deliver(owner, "iso-1", message("a@b.example", "Pistachio", "secret"));
    assertThat(ids(intruder, null, "pistachio")).isEmpty();
    assertThat(ids(owner, null, "pistachio")).hasSize(1);
  }

  @Test
  void rebuildIndexesMessagesWithoutTerms() throws IOException {
    long user = newUser("rebuild");
    long first = deliver(user, "old-1", message("a@b.example", "Mango", "ripe"));
    long second = deliver(user, "old-2", message("a@b.example", "Mango", "green"));
    // Make both look like messages stored before the index existed.
    jdbc.sql("DELETE FROM mail_search_term WHERE user_id = :user").param("user", user).update();
    jdbc.sql("UPDATE mail_message SET indexed = FALSE WHERE user_id = :user")
        .param("user", user)
        .update();
    Mailstore.SearchResult before = mailstore.search(user, null, "mango", 10);
    assertThat(before.messages()).isEmpty();
    assertThat(before.complete()).isFalse();

    assertThat(searchIndex.rebuild(user)).isEqualTo(2);
    Mailstore.SearchResult after = mailstore.search(user, null, "mango", 10);
    assertThat(after.messages()).extracting(StoredMessage::id).containsExactly(second, first);
    assertThat(after.complete()).isTrue();
    assertThat(ids(user, null, "ripe")).containsExactly(first);
    assertThat(searchIndex.rebuild(user)).isZero();
  }

  @Test
  void termBatchSkipsDeletedAndForeignMessages() throws IOException {
    long owner = newUser("batch-owner");
    long other = newUser("batch-other");
    long live = deliver(owner, "batch-1", message("a@b.example", "Kiwi", "one"));
    long deleted = deliver(owner, "batch-2", message("a@b.example", "Kiwi", "two"));
    long foreign = deliver(other, "batch-3", message("a@b.example", "Kiwi", "three"));
    jdbc.sql("DELETE FROM mail_search_term WHERE user_id IN (:users)")
        .param("users", List.of(owner, other))
        .update();
    jdbc.sql("UPDATE mail_message SET indexed = FALSE WHERE user_id IN (:users)")
        .param("users", List.of(owner, other))
        .update();
    jdbc.sql("DELETE FROM mail_message WHERE id = :id").param("id", deleted).update();

    // The third entry names the owner for the other user's message, which must not be indexed.
    long[] terms = mailboxes.open(owner).searchTerms(List.of("kiwi"));
    transactions.executeWithoutResult(
        status ->
            searchTerms.insertBatch(
                List.of(
                    new SearchTermRepository.MessageTerms(owner, live, terms),
                    new SearchTermRepository.MessageTerms(owner, deleted, terms),
                    new SearchTermRepository.MessageTerms(owner, foreign, terms))));

    assertThat(ids(owner, null, "kiwi")).containsExactly(live);
    assertThat(termRows(other)).isZero();
    assertThat(indexedFlag(live)).isTrue();
    assertThat(indexedFlag(foreign)).isFalse();
  }

  private boolean indexedFlag(long messageId) {
    return jdbc.sql("SELECT indexed FROM mail_message WHERE id = :id")
        .param("id", messageId)
        .query(Boolean.class)
        .single();
  }

  @Test
  void lostTermsRebuiltWhenIndexerIdle() throws Exception {
    long user = newUser("lost");
    String word = "quokka";
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(deliver(user, "lost-" + i, message("a@b.example", "Note " + i, word)));
    }
    jdbc.sql("DELETE FROM mail_search_term WHERE user_id = :user").param("user", user).update();
    jdbc.sql("UPDATE mail_message SET indexed = FALSE WHERE user_id = :user")
        .param("user", user)
        .update();
    long[] terms = mailboxes.open(user).searchTerms(List.of(word));

    // An indexer with room for one message, whose thread waits on a lock held here: the first
    // message is taken and waits, the second fills the queue and the third is lost.
    SearchIndexer small =
        new SearchIndexer(searchTerms, transactions, context.getBeanProvider(SearchIndex.class), 1);
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder =
        Thread.ofPlatform()
            .start(
                () ->
                    transactions.executeWithoutResult(
                        status -> {
                          jdbc.sql("SELECT id FROM mail_message WHERE id = :id FOR UPDATE")
                              .param("id", ids.get(0))
                              .query(Long.class)
                              .list();
                          locked.countDown();
                          awaitQuietly(release);
                        }));
    try {
      assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
      small.add(user, ids.get(0), terms);
      Instant deadline = Instant.now().plusSeconds(10);
      while (small.waiting() > 0 && Instant.now().isBefore(deadline)) {
        Thread.sleep(10);
      }
      assertThat(small.waiting()).as("first message taken by the indexer thread").isZero();
      small.add(user, ids.get(1), terms);
      small.add(user, ids.get(2), terms);
      assertThat(small.waiting()).as("queue full").isEqualTo(1);
    } finally {
      release.countDown();
      holder.join(Duration.ofSeconds(10));
    }

    // Once idle, the indexer rebuilds the lost message from its blob.
    Instant deadline = Instant.now().plusSeconds(30);
    while (ids(user, null, word).size() < 3 && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    small.destroy();
    assertThat(ids(user, null, word)).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(mailstore.search(user, null, word, 10).complete()).isTrue();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void tooManyQueryWordsAreRejected() {
    long user = newUser("verbose");
    StringBuilder query = new StringBuilder();
    for (int i = 0; i <= SearchWords.MAX_QUERY_WORDS; i++) {
      query.append("word").append(i).append(' ');
    }
    assertThrows(
        InvalidInputException.class, () -> mailstore.search(user, null, query.toString(), 10));
    assertThat(mailstore.search(user, null, "  ... ", 10).messages()).isEmpty();
  }

  private List<Long> ids(long user, Long folder, String query) {
    return mailstore.search(user, folder, query, 50).messages().stream()
        .map(StoredMessage::id)
        .toList();
  }

  private long termRows(long user) {
    return jdbc.sql("SELECT COUNT(*) FROM mail_search_term WHERE user_id = :user")
        .param("user", user)
        .query(Long.class)
        .single();
  }

  /** Delivers a message and waits until the indexer has stored its terms. */
  private long deliver(long user, String key, String raw) throws IOException {
    assertThat(delivery.deliverToInbox(user, key, messageFile(raw))).isTrue();
    assertThat(indexer.awaitStored(Duration.ofSeconds(10))).as("terms stored").isTrue();
    return jdbc.sql("SELECT id FROM mail_message WHERE user_id = :user AND delivery_key = :key")
        .param("user", user)
        .param("key", key)
        .query(Long.class)
        .single();
  }

  private static String message(String from, String subject, String body) {
    return "From: "
        + from
        + "\nTo: Reader <reader@c.example>\nSubject: "
        + subject
        + "\nContent-Type: text/plain; charset=utf-8\n\n"
        + body
        + "\n";
  }
}
