DROP TABLE IF EXISTS configurations;
