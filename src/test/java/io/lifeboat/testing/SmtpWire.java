package io.lifeboat.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw SMTP client for wire-level tests: writes bytes as given and reads replies as sent. */
public class SmtpWire implements AutoCloseable {

  private Socket socket;
  private InputStream in;
  private OutputStream out;

  public SmtpWire(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Replaces the connection, for example with a TLS socket layered over it. */
  public void use(Socket replacement) throws IOException {
    socket = replacement;
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  public Socket socket() {
    return socket;
  }

  /** Sends text as ISO-8859-1 bytes, without adding line endings. */
  public SmtpWire write(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  public SmtpWire write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Reads one reply, all lines of a multi-line reply joined with LF; null at end of stream. */
  public String reply() throws IOException {
    StringBuilder reply = new StringBuilder();
    while (true) {
      String line = line();
      if (line == null) {
        return reply.isEmpty() ? null : reply.toString();
      }
      if (!reply.isEmpty()) {
        reply.append('\n');
      }
      reply.append(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return reply.toString();
      }
    }
  }

  /** Sends one command line with CRLF and returns its reply. */
  public String command(String line) throws IOException {
    write(line + "\r\n");
    return reply();
  }

  /** Greets with EHLO after reading the banner; returns the EHLO reply. */
  public String hello() throws IOException {
    reply();
    return command("EHLO client.test");
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
