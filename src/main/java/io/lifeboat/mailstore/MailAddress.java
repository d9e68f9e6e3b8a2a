package io.lifeboat.mailstore;

/**
 * One mailbox of an address header, decoded. {@code address} is null when the header held only a
 * name or text that is no address; {@code name} is null when there was no display name.
 */
public record MailAddress(String name, String address) {}
