package io.lifeboat.mailstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How text is split into the words of the search index, without the application. */
class SearchWordsTest {

  @Test
  void queryWordsAreNormalized() {
    assertThat(SearchWords.ofQuery("  Invoice ＩＮＶＯＩＣＥ invoice, 42!"))
        .containsExactly("invoice", "42");
    assertThat(SearchWords.ofQuery("anna.berg@example.com"))
        .containsExactly("anna", "berg", "example", "com");
    assertThat(SearchWords.ofQuery("Größe ÉTÉ")).containsExactly("größe", "été");
    assertThat(SearchWords.ofQuery(null)).isEmpty();
    assertThat(SearchWords.ofQuery(" -- ")).isEmpty();
  }

  @Test
  void composedAndDecomposedAccentsMatch() {
    String decomposed = "e\u0301te\u0301";
    assertThat(SearchWords.ofQuery(decomposed)).isEqualTo(SearchWords.ofQuery("été"));
  }

  @Test
  void overlongRunsAreSkipped() {
    String run = "x".repeat(SearchWords.MAX_WORD_LENGTH + 1);
    assertThat(SearchWords.ofQuery("short " + run + " tail")).containsExactly("short", "tail");
    String longest = "y".repeat(SearchWords.MAX_WORD_LENGTH);
    assertThat(SearchWords.ofQuery(longest)).containsExactly(longest);
  }

  @Test
  void wordsPerMessageAreCapped() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < SearchWords.MAX_WORDS + 500; i++) {
      text.append('w').append(i).append(' ');
    }
    SearchWords words = new SearchWords();
    words.add("subject");
    words.add(new StringReader(text.toString()), false);
    assertThat(words.words()).hasSize(SearchWords.MAX_WORDS);
    assertThat(words.words()).contains("subject");
  }

  @Test
  void hugeTextBodyIsStreamedWithCappedWords() throws IOException {
    long chars = 75L * 1000 * 1000;
    Reader generated =
        new Reader() {
          private long produced;

          @Override
          public int read(char[] buffer, int offset, int length) {
            if (produced >= chars) {
              return -1;
            }
            int n = (int) Math.min(length, chars - produced);
            for (int i = 0; i < n; i++) {
              long position = produced + i;
              buffer[offset + i] = letterAt(position);
            }
            produced += n;
            return n;
          }

          @Override
          public void close() {}
        };
    SearchWords words = new SearchWords();
    words.add(generated, false);
    assertThat(words.words()).hasSize(SearchWords.MAX_WORDS);
  }

  /**
   * Returns the character at {@code position} of a text of 8-letter words separated by spaces,
   * where word n spells n in base 26, so every word differs.
   */
  private static char letterAt(long position) {
    int letter = (int) (position % 9);
    if (letter == 8) {
      return ' ';
    }
    long value = position / 9;
    for (int i = 0; i < letter; i++) {
      value /= 26;
    }
    return (char) ('a' + value % 26);
  }

  @Test
  void htmlTextSkipsMarkupScriptsAndStyles() throws IOException {
    String html =
        "<html><head><title>Plan</title><style>p { color: teal }</style></head>"
            + "<body><p class=\"lead\">Fish&amp;chips<br>caf&eacute;&nbsp;au lait</p>"
            + "<script type=\"text/javascript\">var secretvar = 1;</script>"
            + "<!-- hidden comment --><a href=\"https://example.com/path\">link</a></body></html>";
    SearchWords words = new SearchWords();
    words.add(new StringReader(html), true);
    assertThat(words.words())
        .containsExactly("plan", "fish", "chips", "café", "au", "lait", "link");
  }

  @Test
  void plainTextReadAcrossBufferBoundaries() throws IOException {
    String text = "a".repeat(8191) + " boundaryword " + "b".repeat(10);
    SearchWords words = new SearchWords();
    words.add(new StringReader(text), false);
    assertThat(List.copyOf(words.words())).contains("boundaryword", "b".repeat(10));
  }
}
