-- A customer's own notification templates, one row per kind (activation, password-reset) and
-- locale. They are Mustache templates; rows absent here fall back to the built-in ones.
CREATE TABLE notification_template (
    customer_id  VARCHAR(7)     NOT NULL REFERENCES customer (id),
    kind         VARCHAR(32)    NOT NULL,
    locale       VARCHAR(5)     NOT NULL,
    subject      VARCHAR(1024)  NOT NULL,
    text_body    TEXT           NOT NULL,
    html_body    TEXT           NOT NULL,
    modified     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (customer_id, kind, locale)
);
