-- P7-009: the junction between workflows and tasks. Deleting either side
-- deletes the link (ON DELETE CASCADE; migraplay runs with foreign_keys = ON).
CREATE TABLE IF NOT EXISTS workflow_tasks (
    workflow_id  TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    task_id      TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    sequence     INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
    created_at   TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (workflow_id, task_id)
);

CREATE INDEX IF NOT EXISTS idx_workflow_tasks_workflow ON workflow_tasks (workflow_id);
CREATE INDEX IF NOT EXISTS idx_workflow_tasks_task ON workflow_tasks (task_id);
CREATE INDEX IF NOT EXISTS idx_workflow_tasks_sequence ON workflow_tasks (workflow_id, sequence);
