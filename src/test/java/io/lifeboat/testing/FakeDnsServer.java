package io.lifeboat.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * An authoritative DNS server over UDP on 127.0.0.1 for test domains, built with dnsjava's message
 * classes. It answers from the records added to it, with NXDOMAIN for names it has no records of,
 * and ignores queries for names marked silent, so that the client times out.
 */
public class FakeDnsServer implements AutoCloseable {

  private static final long TTL = 60;

  private final DatagramSocket socket;
  private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
  private final Set<Name> silent = ConcurrentHashMap.newKeySet();
  private final AtomicInteger queries = new AtomicInteger();
  private final Thread thread;

  public FakeDnsServer() throws SocketException {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    thread = Thread.ofPlatform().name("fake-dns").daemon().start(this::serve);
  }

  /** Returns the server as {@code 127.0.0.1:port}, the form of lifeboat.delivery.dns-servers. */
  public String address() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  public int queries() {
    return queries.get();
  }

  public void mx(String domain, int preference, String host) {
    add(new MXRecord(name(domain), DClass.IN, TTL, preference, name(host)));
  }

  /** Adds a null MX (RFC 7505): preference 0 and the root as target. */
  public void nullMx(String domain) {
    add(new MXRecord(name(domain), DClass.IN, TTL, 0, Name.root));
  }

  public void address(String host, InetAddress address) {
    Name name = name(host);
    add(
        address instanceof java.net.Inet6Address
            ? new AAAARecord(name, DClass.IN, TTL, address)
            : new ARecord(name, DClass.IN, TTL, address));
  }

  /** Makes the server ignore queries for this name. */
  public void silent(String domain) {
    silent.add(name(domain));
  }

  private void add(Record record) {
    records.computeIfAbsent(record.getName(), n -> new ArrayList<>()).add(record);
  }

  private void serve() {
    byte[] buffer = new byte[512];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
        queries.incrementAndGet();
        Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
        Message response = respond(query);
        if (response != null) {
          byte[] wire = response.toWire();
          socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
        }
      } catch (IOException e) {
        // A closed socket ends the loop, and a malformed query is ignored as a real server would.
      }
    }
  }

  /** Builds the response, or returns null for a silent name. */
  private Message respond(Message query) {
    Record question = query.getQuestion();
    if (silent.contains(question.getName())) {
      return null;
    }
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.AA);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    response.getHeader().setFlag(Flags.RA);
    response.addRecord(question, Section.QUESTION);
    List<Record> known = records.get(question.getName());
    if (known == null) {
      response.getHeader().setRcode(Rcode.NXDOMAIN);
      response.addRecord(soa(question.getName()), Section.AUTHORITY);
      return response;
    }
    List<Record> matching = known.stream().filter(r -> r.getType() == question.getType()).toList();
    matching.forEach(r -> response.addRecord(r, Section.ANSWER));
    if (matching.isEmpty()) {
      response.addRecord(soa(question.getName()), Section.AUTHORITY);
    }
    return response;
  }

  /** Returns the SOA of a name's zone, which a negative answer carries (RFC 2308). */
  private static SOARecord soa(Name name) {
    Name zone = name.labels() > 3 ? new Name(name, name.labels() - 3) : name;
    return new SOARecord(
        zone, DClass.IN, TTL, name("ns." + zone), name("admin." + zone), 1, 3600, 600, 86400, TTL);
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("invalid DNS name " + text, e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join(1000);
  }
}
