#!/usr/bin/env python3
"""Seeds for the `database` fuzz target, in corpus/database/seed-*.sqlite.

A valid database made by `migraplay --db FILE up` (the bundled set), then
variants of its `_sqlx_migrations` that other tools or hands could leave:
short or empty checksums, text and huge versions, missing columns, odd
types, duplicate versions, a view in its place, WAL mode, and small files
(page size 512) so that libFuzzer's mutations reach the interesting bytes.

    cargo build --bin migraplay && python3 tests/fuzz/make_database_seeds.py
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "corpus", "database")
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "migraplay")

CREATE = """CREATE TABLE _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
)"""


def variant(base, name, sql, page_size=None, journal=None):
    path = os.path.join(OUT, f"seed-{name}.sqlite")
    if base is None:
        if os.path.exists(path):
            os.remove(path)
    else:
        shutil.copy(base, path)
    conn = sqlite3.connect(path, isolation_level=None)
    if page_size:
        conn.execute(f"PRAGMA page_size = {page_size}")
    conn.executescript(sql)
    conn.execute("VACUUM")
    if journal:
        conn.execute(f"PRAGMA journal_mode = {journal}")
        conn.execute("CREATE TABLE IF NOT EXISTS wal_touch (a)")
    conn.close()
    for suffix in ("-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def history_only(rows_sql, create=CREATE):
    """A small database holding only a history table."""
    return f"{create};\n{rows_sql}"


def main():
    os.makedirs(OUT, exist_ok=True)
    tmp = tempfile.mkdtemp()
    base = os.path.join(tmp, "base.sqlite")
    subprocess.run([BIN, "--db", base, "up"], check=True, stdout=subprocess.DEVNULL)
    half = os.path.join(tmp, "half.sqlite")
    subprocess.run([BIN, "--db", half, "up", "--to", "20250115010200"], check=True, stdout=subprocess.DEVNULL)

    variant(base, "valid", "")
    variant(base, "valid-512", "", page_size=512)
    variant(half, "half-applied-512", "", page_size=512)
    variant(base, "wal", "", page_size=512, journal="wal")
    variant(base, "short-checksums", "UPDATE _sqlx_migrations SET checksum = X'abcd';", page_size=512)
    variant(base, "empty-checksums", "UPDATE _sqlx_migrations SET checksum = X'';", page_size=512)
    variant(base, "text-checksums", "UPDATE _sqlx_migrations SET checksum = 'sha384:é' || version;", page_size=512)
    variant(base, "text-versions", "UPDATE _sqlx_migrations SET version = 'v' || version;", page_size=512)
    variant(base, "huge-versions", """
        UPDATE _sqlx_migrations SET version = 9223372036854775807 WHERE version = 20250115010000;
        UPDATE _sqlx_migrations SET version = -9223372036854775808 WHERE version = 20250115010100;
        UPDATE _sqlx_migrations SET version = 1e300 WHERE version = 20250115010200;
        UPDATE _sqlx_migrations SET version = 0 WHERE version = 20250115010300;
    """, page_size=512)
    variant(base, "failed-and-modified", """
        UPDATE _sqlx_migrations SET success = FALSE WHERE version = 20250115010600;
        UPDATE _sqlx_migrations SET checksum = zeroblob(48) WHERE version = 20250115010000;
        UPDATE _sqlx_migrations SET description = 'renamed' WHERE version = 20250115010100;
        INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
            VALUES (20260101000000, 'not in the set', TRUE, zeroblob(48), 1);
    """, page_size=512)
    variant(base, "odd-types", """
        UPDATE _sqlx_migrations SET success = 'yes', execution_time = 1.5 WHERE version = 20250115010000;
        UPDATE _sqlx_migrations SET description = X'ff00fe', installed_on = 42 WHERE version = 20250115010100;
        UPDATE _sqlx_migrations SET execution_time = 'slow' WHERE version = 20250115010200;
    """, page_size=512)
    variant(None, "missing-columns", history_only(
        "INSERT INTO _sqlx_migrations VALUES (20250115010000, 'create tasks');",
        "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT)"), page_size=512)
    variant(None, "no-checksum-column", history_only(
        "INSERT INTO _sqlx_migrations VALUES (20250115010000, 'create tasks', CURRENT_TIMESTAMP, 1, 5);",
        "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, "
        "installed_on TIMESTAMP, success BOOLEAN, execution_time BIGINT)"), page_size=512)
    variant(None, "nulls-no-constraints", history_only(
        "INSERT INTO _sqlx_migrations VALUES (NULL, NULL, NULL, NULL, NULL, NULL);"
        "INSERT INTO _sqlx_migrations VALUES (20250115010000, 'a', NULL, NULL, NULL, NULL);"
        "INSERT INTO _sqlx_migrations VALUES (20250115010000, 'b', 'now', 1, X'00', 0);",
        "CREATE TABLE _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)"),
        page_size=512)
    variant(None, "history-only", history_only(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) "
        "VALUES (1, 'one', TRUE, X'00112233', 10);"), page_size=512)
    variant(None, "history-view", "CREATE VIEW _sqlx_migrations AS SELECT 1 AS version;", page_size=512)
    variant(None, "empty", "CREATE TABLE x (a); DROP TABLE x;", page_size=512)
    shutil.rmtree(tmp)
    for name in sorted(os.listdir(OUT)):
        if name.startswith("seed-"):
            print(f"{os.path.getsize(os.path.join(OUT, name)):>7}  {name}")


if __name__ == "__main__":
    main()
