-- P7-010: tool_executions, an append-only audit log of tool calls.
-- task_id is deliberately not a foreign key: the log outlives deleted tasks.
CREATE TABLE IF NOT EXISTS tool_executions (
    id            TEXT PRIMARY KEY NOT NULL,
    task_id       TEXT NOT NULL,
    tool_name     TEXT NOT NULL,
    input         TEXT,
    output        TEXT,
    status        TEXT NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'succeeded', 'failed', 'timeout')),
    exit_code     INTEGER,
    duration_ms   INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0),
    error         TEXT,
    created_at    TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at  TEXT
);

CREATE INDEX IF NOT EXISTS idx_tool_executions_task ON tool_executions (task_id);
CREATE INDEX IF NOT EXISTS idx_tool_executions_tool ON tool_executions (tool_name);
CREATE INDEX IF NOT EXISTS idx_tool_executions_status ON tool_executions (status);
CREATE INDEX IF NOT EXISTS idx_tool_executions_created ON tool_executions (created_at);
CREATE INDEX IF NOT EXISTS idx_tool_executions_task_fk ON tool_executions (task_id, created_at);
