package io.lifeboat.webmail;

import io.lifeboat.smtp.SmtpProperties;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Upload limits of the compose form, derived from the SMTP message size limit. */
@Configuration
class ComposeConfig {

  /** Room for the form fields beside the attachments in one upload request. */
  static final long FORM_OVERHEAD_BYTES = 1024 * 1024;

  /**
   * Accepts upload requests up to the message size limit plus the form fields. A request near the
   * limit can still make a message over it once base64-encoded, so the compose service checks that
   * and shows the localized message. Uploads are written to temporary files, not held in memory.
   *
   * <p>NOTE: the servlet container writes those files unencrypted into its temporary folder and
   * deletes them when the request ends. Stored drafts and sent mail are encrypted as usual.
   */
  @Bean
  MultipartConfigElement multipartConfigElement(SmtpProperties smtp) {
    long max = smtp.maxMessageSize().toBytes() + FORM_OVERHEAD_BYTES;
    return new MultipartConfigElement("", max, max, 0);
  }
}
