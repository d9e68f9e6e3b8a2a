-- Webmail speed: cached folder counts, an index for the newest-first order across folders, and
-- the encrypted search index. One script for H2 (PostgreSQL mode) and PostgreSQL.

-- Total and unread messages per folder, kept by the mailstore in the transaction of each change,
-- so that listing folders no longer counts the messages table. Existing folders start from a
-- recount.
ALTER TABLE mail_folder ADD COLUMN total_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mail_folder ADD COLUMN unread_count BIGINT NOT NULL DEFAULT 0;
UPDATE mail_folder SET
    total_count = (SELECT COUNT(*) FROM mail_message m WHERE m.folder_id = mail_folder.id),
    unread_count = (SELECT COUNT(*) FROM mail_message m
                     WHERE m.folder_id = mail_folder.id AND m.seen = FALSE);

-- Search across all folders reads a mailbox newest first.
CREATE INDEX mail_message_received ON mail_message (user_id, received DESC, id DESC);

-- indexed is true once the message's search terms are stored. Messages stored before this
-- version start false, and the index rebuild at start-up works through them.
ALTER TABLE mail_message ADD COLUMN indexed BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX mail_message_unindexed ON mail_message (indexed, user_id, id);

-- The search index: one row per distinct term of a message. A term is the first 8 bytes of
-- HMAC-SHA256 over a normalized word, under a key derived from the mailbox's data key, so the
-- table contains no word in clear. See docs/mail-path.md for what the rows still reveal.
CREATE TABLE mail_search_term (
    user_id      BIGINT NOT NULL,
    term         BIGINT NOT NULL,
    message_id   BIGINT NOT NULL REFERENCES mail_message (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, term, message_id)
);
CREATE INDEX mail_search_term_message ON mail_search_term (message_id);
