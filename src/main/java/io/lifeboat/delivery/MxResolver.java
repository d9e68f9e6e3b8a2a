package io.lifeboat.delivery;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Finds the mail hosts of a domain (RFC 5321 section 5.1) with dnsjava and the system's resolvers:
 * its MX hosts by preference, or the domain itself when it has no MX record.
 */
class MxResolver {

  /**
   * The result of a lookup.
   *
   * @param hosts the hosts to try in order, empty when the lookup failed
   * @param failure null on success; otherwise a reply-like text whose code shows whether the
   *     failure is temporary (4xx) or permanent (5xx)
   */
  record Result(List<String> hosts, String failure) {}

  Result resolve(String domain) {
    Lookup lookup;
    try {
      lookup = new Lookup(Name.fromString(domain, Name.root), Type.MX);
    } catch (TextParseException e) {
      return new Result(List.of(), "553 5.1.2 invalid domain name " + domain);
    }
    Record[] records = lookup.run();
    switch (lookup.getResult()) {
      case Lookup.SUCCESSFUL -> {
        List<String> hosts =
            Arrays.stream(records)
                .map(MXRecord.class::cast)
                .sorted(Comparator.comparingInt(MXRecord::getPriority))
                .map(mx -> mx.getTarget().toString(true))
                .toList();
        if (hosts.size() == 1 && (hosts.get(0).isEmpty() || hosts.get(0).equals("."))) {
          return new Result(
              List.of(), "556 5.1.10 domain " + domain + " accepts no mail (null MX)");
        }
        return new Result(hosts, null);
      }
      case Lookup.TYPE_NOT_FOUND -> {
        return new Result(List.of(domain), null);
      }
      case Lookup.HOST_NOT_FOUND -> {
        return new Result(List.of(), "550 5.1.2 domain " + domain + " does not exist");
      }
      default -> {
        return new Result(
            List.of(),
            "451 4.4.3 DNS lookup for " + domain + " failed: " + lookup.getErrorString());
      }
    }
  }
}
