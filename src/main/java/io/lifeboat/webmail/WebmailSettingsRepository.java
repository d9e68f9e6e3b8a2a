package io.lifeboat.webmail;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code webmail_setting} table. */
@Repository
class WebmailSettingsRepository {

  private final JdbcClient jdbc;
  private final Clock clock;

  WebmailSettingsRepository(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  Optional<WebmailSettings> find(long userId) {
    return jdbc.sql(
            "SELECT language, date_format, time_format, font, font_size FROM webmail_setting"
                + " WHERE user_id = :user")
        .param("user", userId)
        .query(
            (rs, n) ->
                new WebmailSettings(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5)))
        .optional();
  }

  void save(long userId, WebmailSettings settings) {
    Timestamp now = Timestamp.from(clock.instant());
    int updated =
        jdbc.sql(
                "UPDATE webmail_setting SET language = :language, date_format = :date,"
                    + " time_format = :time, font = :font, font_size = :size, modified = :now"
                    + " WHERE user_id = :user")
            .params(params(userId, settings, now))
            .update();
    if (updated == 0) {
      jdbc.sql(
              "INSERT INTO webmail_setting (user_id, language, date_format, time_format, font,"
                  + " font_size, modified) VALUES (:user, :language, :date, :time, :font, :size,"
                  + " :now)")
          .params(params(userId, settings, now))
          .update();
    }
  }

  private static java.util.Map<String, Object> params(
      long userId, WebmailSettings settings, Timestamp now) {
    return java.util.Map.of(
        "user", userId,
        "language", settings.language(),
        "date", settings.dateFormat(),
        "time", settings.timeFormat(),
        "font", settings.font(),
        "size", settings.fontSize(),
        "now", now);
  }
}
