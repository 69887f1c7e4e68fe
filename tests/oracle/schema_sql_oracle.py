#!/usr/bin/env python3
"""Independent oracle for "the schema as SQL" (does not use migraplay).

usage: python3 schema_sql_oracle.py DIR [--at VERSION]

Applies the set's ups (oracle.py's reading and running) up to VERSION (default: all,
stopping at a failure) on a fresh in-memory database with Python's sqlite3, then prints
what the sqlite3 shell's `.schema` prints, by running the shell's own query
(shell.c.in, `.schema` with no argument, main database only):

    SELECT sql FROM (SELECT shell_add_schema(sql,NULL,name) AS sql, type, tbl_name, name,
      rowid, 1 AS snum, 'main' AS sname FROM "main".sqlite_schema)
    WHERE sql IS NOT NULL ORDER BY snum, rowid

with shell_add_schema (shellAddSchemaName + shellFakeSchema) and each row printed as
MODE_Semi prints it (printSchemaLine(row, ";\\n")), written here from the shell's source.
"""
import ctypes, ctypes.util, os, sqlite3, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import fresh, load, run_script  # noqa: E402

_lib = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
_lib.sqlite3_keyword_check.argtypes = [ctypes.c_char_p, ctypes.c_int]


def quote_char(name):
    """quoteChar(): '"' unless the name is a plain ASCII identifier and no keyword."""
    if not name or not (name[0].isascii() and (name[0].isalpha() or name[0] == "_")):
        return '"'
    if not all(c.isascii() and (c.isalnum() or c == "_") for c in name):
        return '"'
    raw = name.encode()
    return '"' if _lib.sqlite3_keyword_check(raw, len(raw)) else ""


def append_text(name, quote):
    """appendText(): the name inside `quote`, doubling the quote inside."""
    return quote + name.replace(quote, quote * 2) + quote if quote else name


def fake_schema(db, name):
    """shellFakeSchema(): name(col,col) from PRAGMA table_info, or None when it has no columns."""
    try:
        cols = [r[1] for r in db.execute("PRAGMA \"main\".table_info=%s" % ("'" + name.replace("'", "''") + "'"))]
    except sqlite3.Error:
        cols = []
    if not cols:
        return None
    text = append_text(name, quote_char(name)) + "(" + ",".join(append_text(c or "", quote_char(c or "")) for c in cols) + ")"
    return text.replace("*/", "**")


def add_schema(db):
    def shell_add_schema(sql, schema, name):
        if sql is None or not sql.startswith("CREATE "):
            return sql
        for prefix in ("TABLE", "INDEX", "UNIQUE INDEX", "VIEW", "TRIGGER", "VIRTUAL TABLE"):
            if sql[7:7 + len(prefix)] == prefix and sql[7 + len(prefix):8 + len(prefix)] == " ":
                fake = fake_schema(db, name) if prefix[0] == "V" and name else None
                return sql + "\n/* " + fake + " */" if fake else sql
        return sql
    return shell_add_schema


def print_schema_line(z, tail=";\n"):
    """printSchemaLine()."""
    if tail.startswith(";") and ("/*" in z or "--" in z):
        for term in ("", "*/", "\n"):
            if sqlite3.complete_statement(z + term + ";"):
                z = z + term
                break
    if z.startswith("CREATE TABLE ") and z[13:14] in ("'", '"'):
        return "CREATE TABLE IF NOT EXISTS " + z[13:] + tail
    return z + tail


def dot_schema(db):
    db.create_function("shell_add_schema", 3, add_schema(db))
    rows = db.execute("SELECT sql FROM (SELECT shell_add_schema(sql,NULL,name) AS sql, type, tbl_name, name, rowid,"
                      " 1 AS snum, 'main' AS sname FROM \"main\".sqlite_schema)"
                      " WHERE sql IS NOT NULL ORDER BY snum, rowid").fetchall()
    return "".join(print_schema_line(r[0]) for r in rows)


def schema_at(path, at=None):
    db = fresh()
    for m in load(path):
        if at is not None and m["version"] > at:
            break
        if run_script(db, m["up"] or "", not m.get("notx")):
            break
    return dot_schema(db)


if __name__ == "__main__":
    args = sys.argv[1:]
    at = None
    if "--at" in args:
        i = args.index("--at")
        at = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    sys.stdout.write(schema_at(args[0], at))
