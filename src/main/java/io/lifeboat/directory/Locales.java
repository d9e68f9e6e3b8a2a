package io.lifeboat.directory;

import java.util.List;

/** Languages a user can be provisioned with, as {@code language_COUNTRY} codes. */
public final class Locales {

  /** The ten locales of the public Retarus API first, then Lifeboat's own. */
  public static final List<String> SUPPORTED =
      List.of(
          "cs_CZ", "da_DK", "de_DE", "en_GB", "en_US", "es_ES", "es_MX", "fi_FI", "fr_FR", "hu_HU",
          "it_IT", "ja_JP", "nb_NO", "nl_NL", "pl_PL", "pt_BR", "pt_PT", "ro_RO", "ru_RU", "sk_SK",
          "sv_SE", "tr_TR", "zh_CN", "zh_TW");

  private Locales() {}

  public static boolean isSupported(String code) {
    return SUPPORTED.contains(code);
  }
}
