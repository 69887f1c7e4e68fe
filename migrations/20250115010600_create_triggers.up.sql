-- P7-013: keep updated_at current. The WHEN clause stops each trigger from
-- firing again for its own UPDATE.
CREATE TRIGGER IF NOT EXISTS trigger_tasks_updated_at
AFTER UPDATE ON tasks
FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE tasks SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

CREATE TRIGGER IF NOT EXISTS trigger_workflows_updated_at
AFTER UPDATE ON workflows
FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE workflows SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

CREATE TRIGGER IF NOT EXISTS trigger_sessions_updated_at
AFTER UPDATE ON sessions
FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE sessions SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

CREATE TRIGGER IF NOT EXISTS trigger_configurations_updated_at
AFTER UPDATE ON configurations
FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE configurations SET updated_at = CURRENT_TIMESTAMP WHERE key = NEW.key;
END;
