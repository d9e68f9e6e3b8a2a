package io.lifeboat.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link SSLContext} for STARTTLS from a configured keystore or, without one, from a
 * self-signed certificate generated into {@code <data-dir>/tls/smtp.p12} at first start. The
 * generated keystore's password is kept beside it in {@code smtp.p12.password}, both mode 0600.
 */
final class TlsContexts {

  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);
  private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(3650);
  private static final String ALIAS = "smtp";

  private TlsContexts() {}

  static SSLContext create(SmtpProperties.Tls tls, Path dataDir, String hostname) {
    try {
      if (tls.keystore() != null) {
        char[] password = password(tls.keystorePassword());
        return context(load(tls.keystore(), tls.keystoreType(), password), password);
      }
      Path keystore = dataDir.resolve("tls").resolve("smtp.p12");
      Path passwordFile = keystore.resolveSibling("smtp.p12.password");
      if (!Files.exists(keystore)) {
        generate(keystore, passwordFile, hostname);
      }
      char[] password = Files.readString(passwordFile).trim().toCharArray();
      return context(load(keystore, "PKCS12", password), password);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(
          "cannot set up STARTTLS: check lifeboat.smtp.tls.keystore and its password ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private static char[] password(String configured) {
    return configured == null ? new char[0] : configured.toCharArray();
  }

  private static KeyStore load(Path file, String type, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return store;
  }

  private static SSLContext context(KeyStore store, char[] password)
      throws GeneralSecurityException {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, new SecureRandom());
    return context;
  }

  private static void generate(Path keystore, Path passwordFile, String hostname)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair pair = generator.generateKeyPair();
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=" + hostname);
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(SELF_SIGNED_VALIDITY)),
            subject,
            pair.getPublic());
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
    X509Certificate certificate =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));

    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    char[] password = HexFormat.of().formatHex(secret).toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(ALIAS, pair.getPrivate(), password, new X509Certificate[] {certificate});

    Files.createDirectories(keystore.getParent());
    writePrivate(
        passwordFile, new String(password).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    try (OutputStream out = createPrivate(keystore)) {
      store.store(out, password);
    }
    log.info(
        "Generated a self-signed STARTTLS certificate for {} in {}; configure"
            + " lifeboat.smtp.tls.keystore to use a trusted one",
        hostname,
        keystore);
  }

  private static void writePrivate(Path file, byte[] content) throws IOException {
    try (OutputStream out = createPrivate(file)) {
      out.write(content);
    }
  }

  private static OutputStream createPrivate(Path file) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return Files.newOutputStream(file, StandardOpenOption.WRITE);
  }
}
