-- Webmail display settings, one row per user, written at the first sign-in. The same values are
-- also kept in a cookie so that the login page can use them before the user is known.
CREATE TABLE webmail_setting (
    user_id      BIGINT       NOT NULL PRIMARY KEY REFERENCES mail_user (id) ON DELETE CASCADE,
    language     VARCHAR(5)   NOT NULL,
    date_format  VARCHAR(8)   NOT NULL,
    time_format  VARCHAR(4)   NOT NULL,
    font         VARCHAR(16)  NOT NULL,
    font_size    VARCHAR(8)   NOT NULL,
    modified     TIMESTAMP WITH TIME ZONE NOT NULL
);
