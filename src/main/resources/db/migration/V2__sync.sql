-- Directory sync runs: one row per CSV file received over SFTP or the API.
-- A row is inserted as 'queued' once the upload is complete, and updated with the outcome at the
-- end. For an applied file that update is part of the transaction that changed the users. So
-- after a crash, a row that is still 'queued' means that nothing of its file was applied.
-- report contains the JSON report that the API returns.
CREATE TABLE sync_run (
    id                VARCHAR(40)   NOT NULL PRIMARY KEY,
    customer_id       VARCHAR(7)    NOT NULL REFERENCES customer (id),
    file_name         VARCHAR(255)  NOT NULL,
    source            VARCHAR(8)    NOT NULL,
    uploaded_by       VARCHAR(128)  NOT NULL,
    client_address    VARCHAR(64),
    forced            BOOLEAN       NOT NULL,
    received          TIMESTAMP WITH TIME ZONE NOT NULL,
    finished          TIMESTAMP WITH TIME ZONE,
    outcome           VARCHAR(16)   NOT NULL,
    created_count     INTEGER       NOT NULL DEFAULT 0,
    updated_count     INTEGER       NOT NULL DEFAULT 0,
    unchanged_count   INTEGER       NOT NULL DEFAULT 0,
    deleted_count     INTEGER       NOT NULL DEFAULT 0,
    restored_count    INTEGER       NOT NULL DEFAULT 0,
    error_count       INTEGER       NOT NULL DEFAULT 0,
    report            TEXT
);
CREATE INDEX sync_run_customer ON sync_run (customer_id, received);
CREATE INDEX sync_run_outcome ON sync_run (outcome);
