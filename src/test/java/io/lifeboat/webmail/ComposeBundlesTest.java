package io.lifeboat.webmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every message bundle translates the compose strings, and each parses as a MessageFormat. */
class ComposeBundlesTest {

  static Stream<String> bundles() {
    return Stream.of(
        "", "_cs", "_da", "_de", "_es", "_fi", "_fr", "_hu", "_it", "_ja", "_nb", "_nl", "_pl",
        "_pt", "_pt_BR", "_ro", "_ru", "_sk", "_sv", "_tr", "_zh_CN", "_zh_TW");
  }

  @ParameterizedTest
  @MethodSource("bundles")
  void composeKeysAreTranslated(String suffix) throws IOException {
    Properties english = load("");
    Properties bundle = load(suffix);
    List<String> keys =
        english.stringPropertyNames().stream()
            .filter(
                k ->
                    k.startsWith("compose.")
                        || k.startsWith("action.reply")
                        || k.equals("action.forward")
                        || k.equals("action.editDraft")
                        || k.equals("mail.notice.sent")
                        || k.equals("contacts.write"))
            .sorted()
            .toList();
    assertThat(keys).hasSizeGreaterThan(30);
    for (String key : keys) {
      String value = bundle.getProperty(key);
      assertThat(value).as(suffix + " " + key).isNotBlank();
      String formatted = new MessageFormat(value, Locale.ROOT).format(new Object[] {"A", "B"});
      assertThat(formatted).as(suffix + " " + key).doesNotContain("{0}").doesNotContain("{1}");
      if (!suffix.isEmpty() && value.length() > 12) {
        assertThat(value).as(suffix + " " + key + " is translated").isNotEqualTo(english.get(key));
      }
    }
  }

  private static Properties load(String suffix) throws IOException {
    Properties properties = new Properties();
    try (InputStream in =
        ComposeBundlesTest.class.getResourceAsStream("/i18n/messages" + suffix + ".properties")) {
      assertThat(in).as("bundle messages" + suffix).isNotNull();
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return properties;
  }
}
