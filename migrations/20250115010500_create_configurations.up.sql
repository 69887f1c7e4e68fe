-- P7-012: configurations, a typed key-value store.
CREATE TABLE IF NOT EXISTS configurations (
    key          TEXT PRIMARY KEY NOT NULL,
    value        TEXT NOT NULL,
    value_type   TEXT NOT NULL DEFAULT 'string'
                 CHECK (value_type IN ('string', 'number', 'boolean', 'json')),
    is_secret    INTEGER NOT NULL DEFAULT 0 CHECK (is_secret IN (0, 1)),
    description  TEXT,
    created_at   TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX IF NOT EXISTS idx_configurations_type ON configurations (value_type);
CREATE INDEX IF NOT EXISTS idx_configurations_secret ON configurations (is_secret);
CREATE INDEX IF NOT EXISTS idx_configurations_updated ON configurations (updated_at);
