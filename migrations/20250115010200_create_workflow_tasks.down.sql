DROP TABLE IF EXISTS workflow_tasks;
