package io.lifeboat.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.config.LifeboatProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class MasterKeyTest {

  @TempDir Path dataDir;

  @Test
  void firstStartWarnsToBackUpKey(CapturedOutput output) throws Exception {
    new MasterKey(properties(null));

    Path file = dataDir.resolve("master.key");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertTrue(output.getOut().contains("WARN"), output.getOut());
    assertTrue(output.getOut().contains("Back it up"), output.getOut());
    String key = Files.readString(file).trim();
    assertTrue(!output.getOut().contains(key), "the log must not contain the key");
  }

  @Test
  void wrappedKeyUnwrapsOnlyWithSameAssociatedData() throws Exception {
    MasterKey master = new MasterKey(properties(null));
    byte[] secret = "data key material".getBytes(StandardCharsets.UTF_8);
    byte[] context = "mailbox 1".getBytes(StandardCharsets.UTF_8);

    byte[] wrapped = master.wrap(secret, context);

    assertArrayEquals(secret, master.unwrap(wrapped, context));
    assertThrows(
        GeneralSecurityException.class,
        () -> master.unwrap(wrapped, "mailbox 2".getBytes(StandardCharsets.UTF_8)));
    wrapped[wrapped.length - 1] ^= 1;
    assertThrows(GeneralSecurityException.class, () -> master.unwrap(wrapped, context));
    assertThrows(GeneralSecurityException.class, () -> master.unwrap(new byte[5], context));
  }

  @Test
  void keyFromAnotherMasterKeyDoesNotUnwrap() throws Exception {
    MasterKey first = new MasterKey(properties("uAjiiydhZ4qCC0bTAVuOnIH/R2w5qVhppzGxEoDunOo="));
    MasterKey second = new MasterKey(properties("ja2PeRBKAHM7SA/EDp+6Y2tMwn5KIRBawhg1k66B+3M="));
    byte[] context = new byte[] {1};

    byte[] wrapped = first.wrap(new byte[] {42}, context);

    assertThrows(GeneralSecurityException.class, () -> second.unwrap(wrapped, context));
  }

  private LifeboatProperties properties(String masterKey) {
    return new LifeboatProperties(dataDir, null, false, null, null, masterKey);
  }

  @Test
  void handMadeKeyIsRejected() {
    IllegalArgumentException zeros =
        assertThrows(
            IllegalArgumentException.class,
            () -> new MasterKey(properties("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")));

    assertTrue(zeros.getMessage().contains("not random"), zeros.getMessage());
    assertTrue(zeros.getMessage().contains("openssl rand -base64 32"), zeros.getMessage());
  }
}
