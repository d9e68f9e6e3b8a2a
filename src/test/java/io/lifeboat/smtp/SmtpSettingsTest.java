package io.lifeboat.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

/**
 * Defaults of the SMTP settings, the check of the postmaster address and the two sources of the
 * STARTTLS certificate.
 */
class SmtpSettingsTest {

  @TempDir Path folder;

  @Test
  void defaultsMatchTheDocumentedValues() {
    SmtpProperties defaults =
        new SmtpProperties(null, null, null, null, null, 0, 0, null, null, null, null, null);
    assertThat(defaults.enabled()).isTrue();
    assertThat(defaults.port()).isEqualTo(2525);
    assertThat(defaults.maxMessageSize()).isEqualTo(DataSize.ofMegabytes(75));
    assertThat(defaults.maxRecipients()).isEqualTo(100);
    assertThat(defaults.maxConnections()).isEqualTo(1000);
    assertThat(defaults.commandTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(defaults.dataTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(defaults.hostname()).isNotBlank();
    assertThat(defaults.tls().keystoreType()).isEqualTo("PKCS12");
    assertThat(defaults.postmaster()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hostmaster@operator.example",
        "first.last+smtp@mail.operator-1.example",
        " Ops@Operator.Example "
      })
  void postmasterAcceptsMailbox(String value) {
    assertThat(postmaster(value).postmaster()).isEqualTo(value.strip());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "postmaster",
        "ops@localhost",
        "<ops@operator.example>",
        "Ops <ops@operator.example>",
        "ops@operator.example,other@operator.example",
        "two words@operator.example",
        "ops@@operator.example",
        "ops.@operator.example",
        "ops@-operator.example",
        "ops@operator..example",
        "b\u00fcro@operator.example"
      })
  void postmasterRejectsWhatIsNoMailbox(String value) {
    assertThatThrownBy(() -> postmaster(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lifeboat.smtp.postmaster")
        .hasMessageContaining("'" + value + "'")
        .hasMessageContaining("leave it empty");
  }

  @Test
  void postmasterOverLengthLimitsIsRejected() {
    String longLocal = "a".repeat(65) + "@operator.example";
    String longDomain = "ops@" + ("a".repeat(60) + ".").repeat(5) + "example";
    assertThatThrownBy(() -> postmaster(longLocal)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> postmaster(longDomain)).isInstanceOf(IllegalArgumentException.class);
    assertThat(postmaster("a".repeat(64) + "@operator.example").postmaster()).startsWith("aaaa");
  }

  @Test
  void invalidPostmasterStopsStartup() {
    new ApplicationContextRunner()
        .withUserConfiguration(PropertiesOnly.class)
        .withPropertyValues("lifeboat.smtp.postmaster=operator.example")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("lifeboat.smtp.postmaster is not a valid address")
                  .hasMessageContaining("'operator.example'");
            });
  }

  @EnableConfigurationProperties(SmtpProperties.class)
  static class PropertiesOnly {}

  private static SmtpProperties postmaster(String value) {
    return new SmtpProperties(
        null, null, null, "mx.test", null, 0, 0, null, null, null, null, value);
  }

  @Test
  void selfSignedCertificateIsGeneratedOnceAndReused() throws Exception {
    SSLContext first =
        TlsContexts.create(new SmtpProperties.Tls(null, null, null), folder, "mx.test");
    Path keystore = folder.resolve("tls").resolve("smtp.p12");
    assertThat(first).isNotNull();
    assertThat(keystore).exists();
    byte[] generated = Files.readAllBytes(keystore);

    TlsContexts.create(new SmtpProperties.Tls(null, null, null), folder, "mx.test");
    assertThat(Files.readAllBytes(keystore)).isEqualTo(generated);
    assertThat(Files.getPosixFilePermissions(keystore).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");
  }

  @Test
  void configuredKeystoreIsUsed() throws Exception {
    Path keystore = writeKeystore("secret-pass");
    SSLContext context =
        TlsContexts.create(
            new SmtpProperties.Tls(keystore, "secret-pass", "PKCS12"), folder, "mx.test");
    assertThat(context.getProtocol()).isEqualTo("TLS");
    assertThat(folder.resolve("tls")).doesNotExist();
  }

  @Test
  void wrongKeystorePasswordNamesTheSetting() throws Exception {
    Path keystore = writeKeystore("secret-pass");
    assertThatThrownBy(
            () ->
                TlsContexts.create(
                    new SmtpProperties.Tls(keystore, "wrong", "PKCS12"), folder, "mx.test"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lifeboat.smtp.tls.keystore");
  }

  private Path writeKeystore(String password) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair pair = generator.generateKeyPair();
    X500Name name = new X500Name("CN=configured.test");
    Instant now = Instant.now();
    X509Certificate certificate =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.ONE,
                        Date.from(now),
                        Date.from(now.plus(Duration.ofDays(1))),
                        name,
                        pair.getPublic())
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "smtp", pair.getPrivate(), password.toCharArray(), new X509Certificate[] {certificate});
    Path file = folder.resolve("configured.p12");
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }
}
