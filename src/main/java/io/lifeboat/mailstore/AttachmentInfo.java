package io.lifeboat.mailstore;

/**
 * One attachment of a message.
 *
 * @param name decoded file name, or null when the part names none
 * @param contentType lower-case media type such as {@code application/pdf}
 * @param size decoded size in bytes
 * @param partPath IMAP-style part number ({@code 2.1} is the first part inside the second part), to
 *     find the part again in the raw message
 */
public record AttachmentInfo(String name, String contentType, long size, String partPath) {}
