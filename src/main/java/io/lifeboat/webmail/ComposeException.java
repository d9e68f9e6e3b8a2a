package io.lifeboat.webmail;

/**
 * A message that cannot be saved or sent as written. {@code messageKey} and {@code arguments} name
 * the localized text that shows the user what to change. Nothing of the draft is lost.
 */
class ComposeException extends Exception {

  private final String messageKey;
  private final transient Object[] arguments;

  ComposeException(String messageKey, String detail, Object... arguments) {
    super(detail);
    this.messageKey = messageKey;
    this.arguments = arguments.clone();
  }

  String messageKey() {
    return messageKey;
  }

  Object[] arguments() {
    return arguments.clone();
  }
}
