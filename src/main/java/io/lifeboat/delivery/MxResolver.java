package io.lifeboat.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Finds the mail servers of a domain (RFC 5321 section 5.1) with dnsjava: the addresses of its MX
 * hosts by preference, or of the domain itself when it has no MX record (implicit MX). The
 * addresses are looked up through the same resolver, so that delivery does not depend on the
 * system's own name service.
 */
class MxResolver {

  /**
   * The result of a lookup.
   *
   * @param hosts the IP addresses to try in order, empty when the lookup failed
   * @param failure null on success; otherwise a reply-like text whose code shows whether the
   *     failure is temporary (4xx) or permanent (5xx)
   */
  record Result(List<String> hosts, String failure) {
    static Result failed(String failure) {
      return new Result(List.of(), failure);
    }
  }

  /** The answer to one lookup of one name and type. */
  private record Answer(int result, Record[] records, String error) {}

  private final Resolver resolver;
  private final Cache cache = new Cache(DClass.IN);

  /**
   * Creates a resolver that queries {@code servers} in turn, or the system's resolvers when the
   * list is empty.
   */
  MxResolver(List<InetSocketAddress> servers, Duration timeout) {
    if (servers.isEmpty()) {
      resolver = Lookup.getDefaultResolver();
    } else {
      ExtendedResolver extended =
          new ExtendedResolver(servers.stream().map(SimpleResolver::new).toArray(Resolver[]::new));
      extended.setTimeout(timeout);
      resolver = extended;
    }
  }

  /**
   * Parses a DNS server of {@code lifeboat.delivery.dns-servers}: an IP address with an optional
   * port, such as {@code 10.0.0.53}, {@code 127.0.0.1:5353} or {@code [::1]:5353}. Host names are
   * rejected because looking them up would need a resolver.
   */
  static InetSocketAddress parseServer(String server) {
    String text = server.trim();
    String host = text;
    int port = 53;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw invalidServer(server);
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw invalidServer(server);
        }
        port = parsePort(rest.substring(1), server);
      }
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = parsePort(text.substring(text.indexOf(':') + 1), server);
    }
    if (!host.matches("[0-9.]+") && !host.contains(":")) {
      throw invalidServer(server);
    }
    try {
      // A literal address is parsed without any lookup.
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (java.net.UnknownHostException e) {
      throw invalidServer(server);
    }
  }

  private static int parsePort(String port, String server) {
    try {
      int value = Integer.parseInt(port);
      if (value > 0 && value < 65536) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Reported below with the whole value.
    }
    throw invalidServer(server);
  }

  private static IllegalArgumentException invalidServer(String server) {
    return new IllegalArgumentException(
        "lifeboat.delivery.dns-servers: invalid DNS server '"
            + server
            + "'; use an IP address with an optional port, such as 127.0.0.1:5353 or [::1]:53");
  }

  Result resolve(String domain) {
    Name name;
    try {
      name = Name.fromString(domain, Name.root);
    } catch (TextParseException e) {
      return Result.failed("553 5.1.2 invalid domain name " + domain);
    }
    Answer mx = lookup(name, Type.MX);
    return switch (mx.result()) {
      case Lookup.SUCCESSFUL -> mxHosts(domain, mx.records());
      case Lookup.TYPE_NOT_FOUND -> implicitMx(domain, name);
      case Lookup.HOST_NOT_FOUND ->
          Result.failed("550 5.1.2 domain " + domain + " does not exist (NXDOMAIN)");
      default -> Result.failed("451 4.4.3 DNS lookup for " + domain + " failed: " + mx.error());
    };
  }

  /**
   * Returns the addresses of the MX hosts, lowest preference value first. Hosts of equal preference
   * are shuffled, so that the load spreads over them (RFC 5321 section 5.1).
   */
  private Result mxHosts(String domain, Record[] records) {
    List<MXRecord> mxs = new ArrayList<>(Arrays.stream(records).map(MXRecord.class::cast).toList());
    Collections.shuffle(mxs);
    // List.sort is stable, so equal preferences keep their shuffled order.
    mxs.sort(Comparator.comparingInt(MXRecord::getPriority));
    if (mxs.size() == 1 && mxs.get(0).getTarget().equals(Name.root)) {
      // RFC 7505: a single MX of "." means that the domain accepts no mail at all.
      return Result.failed("556 5.1.10 domain " + domain + " accepts no mail (null MX)");
    }
    List<String> addresses = new ArrayList<>();
    String lastError = null;
    for (MXRecord mx : mxs) {
      Addresses found = addresses(mx.getTarget());
      addresses.addAll(found.addresses());
      if (found.error() != null) {
        lastError = found.error();
      }
    }
    if (addresses.isEmpty()) {
      return Result.failed(
          "451 4.4.3 no MX host of "
              + domain
              + " has an address"
              + (lastError == null ? "" : ": " + lastError));
    }
    return new Result(List.copyOf(addresses), null);
  }

  /** RFC 5321 section 5.1: without MX records, the domain's own address is the mail server. */
  private Result implicitMx(String domain, Name name) {
    Addresses found = addresses(name);
    if (!found.addresses().isEmpty()) {
      return new Result(found.addresses(), null);
    }
    if (found.error() != null) {
      return Result.failed("451 4.4.3 DNS lookup for " + domain + " failed: " + found.error());
    }
    return Result.failed("550 5.1.2 domain " + domain + " has no MX and no address record");
  }

  private record Addresses(List<String> addresses, String error) {}

  /** Returns the IPv4 and then the IPv6 addresses of a host, and the last temporary error. */
  private Addresses addresses(Name host) {
    List<String> addresses = new ArrayList<>();
    String error = null;
    for (int type : new int[] {Type.A, Type.AAAA}) {
      Answer answer = lookup(host, type);
      if (answer.result() == Lookup.SUCCESSFUL) {
        for (Record record : answer.records()) {
          addresses.add(address(record).getHostAddress());
        }
      } else if (answer.result() == Lookup.TRY_AGAIN || answer.result() == Lookup.UNRECOVERABLE) {
        error = host + " " + Type.string(type) + ": " + answer.error();
      }
    }
    return new Addresses(addresses, error);
  }

  private static InetAddress address(Record record) {
    return record instanceof ARecord a ? a.getAddress() : ((AAAARecord) record).getAddress();
  }

  private Answer lookup(Name name, int type) {
    Lookup lookup = new Lookup(name, type);
    lookup.setResolver(resolver);
    lookup.setCache(cache);
    Record[] records = lookup.run();
    return new Answer(lookup.getResult(), records, lookup.getErrorString());
  }
}
