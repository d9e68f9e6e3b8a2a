package io.lifeboat.mailstore;

import io.lifeboat.directory.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.parser.Parser;

/**
 * Splits text into the words that the search index stores, the same way for messages and for
 * queries. A word is a run of letters, digits and combining marks, in Unicode normalization form
 * NFKC and lower case, so {@code Invoice}, {@code INVOICE} and {@code ｉｎｖｏｉｃｅ} are one word.
 * Punctuation separates words, so {@code anna.berg@example.com} is the four words {@code anna},
 * {@code berg}, {@code example} and {@code com}.
 *
 * <p>One instance collects the distinct words of one message, up to {@link #MAX_WORDS}, and reads a
 * text body from a {@link Reader} in chunks, so a large body is never held in memory.
 */
public final class SearchWords {

  /** Longer runs, such as base64 lines or long URLs, are not words anyone searches for. */
  static final int MAX_WORD_LENGTH = 64;

  /** Distinct words indexed per message; the rest of a huge message is not searchable. */
  static final int MAX_WORDS = 20_000;

  /**
   * Maximum words in a query, each of which costs the search two index lookups. The webmail's
   * search field takes 200 characters, so at most 100 words, and never reaches it.
   */
  public static final int MAX_QUERY_WORDS = 100;

  private final Set<String> words = new LinkedHashSet<>();
  private final StringBuilder current = new StringBuilder();
  private boolean tooLong;

  /** Returns the distinct words collected so far, in order of first occurrence. */
  Set<String> words() {
    endWord();
    return words;
  }

  /** Adds the words of {@code text}, for example a subject or an address. */
  void add(String text) {
    if (text == null) {
      return;
    }
    for (int i = 0; i < text.length(); i++) {
      accept(text.charAt(i));
    }
    endWord();
  }

  /** Adds the words of a text body, skipping tags, comments, scripts and styles when it is HTML. */
  void add(Reader body, boolean html) throws IOException {
    if (html) {
      new HtmlText(this).read(body);
    } else {
      char[] buffer = new char[8192];
      for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
        for (int i = 0; i < n; i++) {
          accept(buffer[i]);
        }
      }
    }
    endWord();
  }

  /**
   * Returns the distinct words of a query.
   *
   * @throws InvalidInputException when the query has more than {@link #MAX_QUERY_WORDS} words
   */
  public static List<String> ofQuery(String query) {
    SearchWords collected = new SearchWords();
    collected.add(query);
    List<String> words = new ArrayList<>(collected.words());
    if (words.size() > MAX_QUERY_WORDS) {
      throw new InvalidInputException(
          "q",
          query,
          "the search has "
              + words.size()
              + " words, at most "
              + MAX_QUERY_WORDS
              + "; search for fewer words");
    }
    return words;
  }

  void accept(char c) {
    if (isWordChar(c)) {
      if (current.length() < MAX_WORD_LENGTH * 2) {
        current.append(c);
      } else {
        tooLong = true;
      }
    } else {
      endWord();
    }
  }

  void endWord() {
    if (current.isEmpty()) {
      return;
    }
    if (!tooLong && words.size() < MAX_WORDS) {
      String word = Normalizer.normalize(current, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
      if (word.length() <= MAX_WORD_LENGTH) {
        words.add(word);
      }
    }
    current.setLength(0);
    tooLong = false;
  }

  private static boolean isWordChar(char c) {
    if (Character.isLetterOrDigit(c) || Character.isSurrogate(c)) {
      return true;
    }
    int type = Character.getType(c);
    return type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  /**
   * Feeds the text of an HTML stream to a {@link SearchWords} in one pass: tags and comments end a
   * word, the content of {@code script} and {@code style} is skipped, and character references such
   * as {@code &amp;} are decoded.
   */
  private static final class HtmlText {

    private static final int MAX_TAG_NAME = 16;
    private static final int MAX_REFERENCE = 32;

    private final SearchWords out;
    private final StringBuilder tagName = new StringBuilder();
    private final StringBuilder reference = new StringBuilder();
    private boolean inTag;
    private boolean readingTagName;
    private String skipUntilEndOf;
    private boolean inReference;

    HtmlText(SearchWords out) {
      this.out = out;
    }

    void read(Reader html) throws IOException {
      char[] buffer = new char[8192];
      for (int n = html.read(buffer); n >= 0; n = html.read(buffer)) {
        for (int i = 0; i < n; i++) {
          accept(buffer[i]);
        }
      }
      endReference();
    }

    private void accept(char c) {
      if (inTag) {
        acceptInTag(c);
        return;
      }
      if (c == '<') {
        endReference();
        out.endWord();
        inTag = true;
        readingTagName = true;
        tagName.setLength(0);
        return;
      }
      if (skipUntilEndOf != null) {
        return;
      }
      if (inReference) {
        acceptInReference(c);
        return;
      }
      if (c == '&') {
        inReference = true;
        reference.setLength(0);
        reference.append(c);
        return;
      }
      out.accept(c);
    }

    private void acceptInTag(char c) {
      if (c == '>') {
        inTag = false;
        endTag();
        return;
      }
      if (!readingTagName) {
        return;
      }
      if (Character.isLetterOrDigit(c) || (c == '/' && tagName.isEmpty())) {
        if (tagName.length() < MAX_TAG_NAME) {
          tagName.append(Character.toLowerCase(c));
        }
      } else {
        readingTagName = false;
      }
    }

    private void endTag() {
      String name = tagName.toString();
      if (skipUntilEndOf != null) {
        if (name.equals("/" + skipUntilEndOf)) {
          skipUntilEndOf = null;
        }
        return;
      }
      if (name.equals("script") || name.equals("style")) {
        skipUntilEndOf = name;
      }
    }

    private void acceptInReference(char c) {
      reference.append(c);
      if (c == ';' || reference.length() >= MAX_REFERENCE) {
        endReference();
      } else if (!Character.isLetterOrDigit(c) && c != '#') {
        endReference();
      }
    }

    private void endReference() {
      if (!inReference) {
        return;
      }
      inReference = false;
      String decoded = Parser.unescapeEntities(reference.toString(), false);
      for (int i = 0; i < decoded.length(); i++) {
        out.accept(decoded.charAt(i));
      }
    }
  }
}
