package io.lifeboat.account;

import java.util.Locale;

/**
 * A notification mail's content, ready for a MIME builder. The subject is one line without control
 * characters; the HTML part has every value escaped.
 */
public record RenderedNotification(String subject, String text, String html, Locale locale) {}
