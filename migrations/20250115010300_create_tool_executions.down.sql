DROP TABLE IF EXISTS tool_executions;
