import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import org.subethamail.smtp.internal.io.DotTerminatedInputStream;
import org.subethamail.smtp.internal.io.DotUnstuffingInputStream;

/**
 * Measures the CPU time of decoding the DATA of a 10 KB message with SubEthaSMTP's byte-at-a-time
 * streams and with Lifeboat's SmtpDataStream, in the same JVM. It reads from memory through an
 * 8 KiB BufferedInputStream, as the SMTP session does from its socket, and reports thread CPU time,
 * so other load on the machine changes the numbers less than wall time would.
 *
 * <p>Run from the repository root after {@code mvn -DskipTests package}:
 *
 * <pre>
 * java -cp target/classes:$HOME/.m2/repository/com/github/davidmoten/subethasmtp/7.2.0/subethasmtp-7.2.0.jar \
 *   bench/DataReaderBench.java
 * </pre>
 */
public class DataReaderBench {

  private static final int MESSAGES = 20_000;
  private static final int ROUNDS = 5;

  public static void main(String[] args) throws Exception {
    StringBuilder text = new StringBuilder();
    while (text.length() < 10_240) {
      text.append("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\r\n");
    }
    text.append(".\r\n");
    byte[] message = text.toString().getBytes(StandardCharsets.US_ASCII);

    // SmtpDataStream is package-private, so it is created by reflection.
    Constructor<?> smtpDataStream =
        Class.forName("io.lifeboat.smtp.SmtpDataStream").getDeclaredConstructor(InputStream.class);
    smtpDataStream.setAccessible(true);

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    byte[] buffer = new byte[16_384];
    for (int round = 1; round <= ROUNDS; round++) {
      for (String reader : new String[] {"subethasmtp", "lifeboat"}) {
        long started = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < MESSAGES; i++) {
          BufferedInputStream socket =
              new BufferedInputStream(new ByteArrayInputStream(message), 8192);
          InputStream data =
              reader.equals("subethasmtp")
                  ? new DotUnstuffingInputStream(new DotTerminatedInputStream(socket))
                  : (InputStream) smtpDataStream.newInstance(socket);
          while (data.read(buffer) != -1) {
            // Read to the end of DATA.
          }
        }
        long cpuNanos = threads.getCurrentThreadCpuTime() - started;
        System.out.printf(
            "round %d %-11s %6.1f us CPU per message%n",
            round, reader, cpuNanos / 1000.0 / MESSAGES);
      }
    }
  }
}
