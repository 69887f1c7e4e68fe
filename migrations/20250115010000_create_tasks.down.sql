-- Dropping the table drops its indexes with it.
DROP TABLE IF EXISTS tasks;
