package io.lifeboat.webmail;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * Cleans the HTML of a mail with an allow-list: no script, event handler, style, form, frame,
 * object, SVG or meta element survives, links may only use http, https and mailto, and images only
 * cid: (rewritten to the message's own parts) or, when the user allowed it, http and https.
 */
final class MailHtmlSanitizer {

  /** The cleaned HTML and how many remote images were removed. */
  record Result(String html, int blockedRemote) {}

  private static final Safelist SAFELIST =
      Safelist.relaxed()
          .removeProtocols("a", "href", "ftp")
          .addTags("center", "font", "hr", "span", "div", "del", "ins", "s", "small")
          .addAttributes(":all", "dir", "align", "title", "lang")
          .addAttributes("table", "border", "cellpadding", "cellspacing", "bgcolor")
          .addAttributes("td", "bgcolor", "valign", "nowrap")
          .addAttributes("th", "bgcolor", "valign", "nowrap")
          .addAttributes("tr", "bgcolor", "valign")
          .addAttributes("font", "color", "size", "face")
          .addAttributes("img", "border", "hspace", "vspace")
          .addProtocols("img", "src", "cid")
          .addEnforcedAttribute("a", "rel", "noopener noreferrer")
          .addEnforcedAttribute("a", "target", "_blank");

  private MailHtmlSanitizer() {}

  /**
   * Cleans {@code html}. {@code partUrl} is the URL prefix under which the message's parts are
   * served by Content-ID, for example {@code /mail/message/7/cid/}.
   */
  static Result clean(String html, String partUrl, boolean allowRemote) {
    Document dirty = Jsoup.parse(html);
    Document clean = new Cleaner(SAFELIST).clean(dirty);
    int blocked = 0;
    for (Element image : clean.select("img")) {
      String source = image.attr("src").trim();
      String lower = source.toLowerCase(Locale.ROOT);
      if (lower.startsWith("cid:")) {
        String contentId = source.substring(4);
        image.attr("src", partUrl + URLEncoder.encode(contentId, StandardCharsets.UTF_8));
      } else if (lower.startsWith("http:") || lower.startsWith("https:")) {
        if (!allowRemote) {
          image.removeAttr("src");
          image.attr("data-blocked", "remote");
          blocked++;
        }
      } else {
        image.removeAttr("src");
      }
      // Image sets name further remote URLs that the user did not allow.
      image.removeAttr("srcset");
    }
    return new Result(clean.body().html(), blocked);
  }
}
