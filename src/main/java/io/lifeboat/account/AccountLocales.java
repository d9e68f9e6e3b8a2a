package io.lifeboat.account;

import io.lifeboat.directory.Locales;
import io.lifeboat.web.LocaleNegotiation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * The language of the account pages: the provisioned language of the user whose token the link
 * carries, else the browser's.
 */
@Component
public class AccountLocales {

  private final TokenService tokens;

  public AccountLocales(TokenService tokens) {
    this.tokens = tokens;
  }

  /** Chooses the locale, fixes it for the request and sets {@code Content-Language}. */
  public Locale resolve(HttpServletRequest request, HttpServletResponse response, String token) {
    Locale locale =
        tokens
            .languageOfTokenOwner(token)
            .filter(Locales::isSupported)
            .map(LocaleNegotiation::toLocale)
            .orElseGet(() -> LocaleNegotiation.fromBrowser(request.getHeader("Accept-Language")));
    LocaleNegotiation.fix(request, locale);
    response.setHeader("Content-Language", locale.toLanguageTag());
    return locale;
  }
}
