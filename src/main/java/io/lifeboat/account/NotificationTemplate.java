package io.lifeboat.account;

/**
 * The three Mustache templates of one notification mail.
 *
 * @param subject one line; rendered values cannot add a header line
 * @param text the plain-text part
 * @param html the HTML part; every value is HTML-escaped, so unescaped tags such as {@code
 *     {{{name}}}} are rejected
 */
public record NotificationTemplate(String subject, String text, String html) {}
