#!/usr/bin/env python3
"""Independent data-survival oracle for SQLite migration sets (does not use migraplay).

usage: python3 data_oracle.py DIR [--json]

For each migration k that has a down, on a fresh in-memory DB (foreign_keys=ON):
apply ups 1..k-1; seed every user table (not sqlite_*, not virtual tables nor
their shadow tables, not the bookkeeping tables) with 3 naive rows; snapshot
every table's rows; apply up k, then down k; if the schema is back (oracle.py's
snapshot, as migraplay only checks rows then), compare every table that existed
before up k and exists after down k:

  down of K leaves T empty (N rows before)
  down of K removes R of N rows from T
  down of K loses C in R rows of T

Values compare as SQLite stores them (type and value); rows are matched by the
primary key (when every key column is still there), else by the rowid, else by
their values; only columns both sides have (generated ones aside) are compared;
new rows do not count. Tables it cannot seed are listed in `not_seeded`.

The file format (`N_name.up.sql`/`.down.sql`, goose/dbmate markers, opting out
of the transaction) and running a script are oracle.py's, which shares no code
with migraplay either.
"""
import os, re, sqlite3, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import BOOKKEEPING, cli, diff, fresh, load, run_script, snapshot  # noqa: E402

ROWS = 3
VARIANTS = 7


def q(name):
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------- tables
def user_tables(db):
    """(name, sql) of the tables whose rows are the user's, by lower-cased name."""
    rows = db.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'table' "
                      "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY lower(name)").fetchall()
    virtual = [n.lower() + "_" for n, s in rows if (s or "").upper().startswith("CREATE VIRTUAL")]
    return {n.lower(): (n, s) for n, s in rows
            if n.lower() not in BOOKKEEPING and not (s or "").upper().startswith("CREATE VIRTUAL")
            and not any(n.lower().startswith(v) for v in virtual)}


def columns(db, table):
    """Stored columns: (name, declared type, notnull, pk position); generated/hidden ones left out."""
    return [(c[1], (c[2] or "").upper(), c[3], c[5]) for c in db.execute(f"PRAGMA table_xinfo({q(table)})") if c[6] == 0]


def has_rowid(db, table):
    info = db.execute("SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?", (table,)).fetchone()
    return not (info and info[0])


def rowid_alias(db, table):
    names = {c[1].lower() for c in db.execute(f"PRAGMA table_xinfo({q(table)})")}
    return next((a for a in ("_rowid_", "rowid", "oid") if a not in names), None)


# ---------------------------------------------------------------- seeding
def literals(sql):
    """col -> values named in `col IN (...)` in the table's SQL (strings and numbers)."""
    out = {}
    for m in re.finditer(r'["`\[]?(\w+)["`\]]?\s+IN\s*\(([^()]*)\)', sql or "", re.I):
        vals = []
        for lit in re.finditer(r"'((?:[^']|'')*)'|(-?\d+\.\d+)|(-?\d+)", m.group(2)):
            if lit.group(1) is not None:
                vals.append(lit.group(1).replace("''", "'"))
            elif lit.group(2):
                vals.append(float(lit.group(2)))
            else:
                vals.append(int(lit.group(3)))
        if vals:
            out[m.group(1).lower()] = vals
    return out


def naive(decl, i, v):
    """Row i's value for a column of declared type `decl`, in variant v."""
    n = i + 100 if v == 4 else i
    if "INT" in decl:
        return n
    if any(t in decl for t in ("REAL", "FLOA", "DOUB")):
        return n + 0.5
    if "BLOB" in decl:
        return bytes([n % 256, 0xAB])
    if any(t in decl for t in ("CHAR", "CLOB", "TEXT")) or decl in ("", "ANY"):
        return [f"v{n}", str(n), f"value{n}", f'{{"v": {n}}}', f"v{n}", f"v{n}@example.com", f"2024-01-0{n % 9 + 1}"][v]
    return n  # NUMERIC and the rest


def seed(db, tables):
    """Seed ROWS rows into each table, parents first; return [(table, reason)] for those it could not."""
    fks = {}
    for key, (name, _) in tables.items():
        fks[key] = {}
        for fid, _, parent, frm, to, *_ in db.execute(f"PRAGMA foreign_key_list({q(name)})"):
            fks[key].setdefault(fid, (parent, []))[1].append((frm, to))
    order, seen = [], set()

    def visit(key, path):
        if key in seen or key in path:
            return
        for parent, _ in fks.get(key, {}).values():
            if parent.lower() in tables and parent.lower() != key:
                visit(parent.lower(), path | {key})
        seen.add(key); order.append(key)

    for key in tables:
        visit(key, set())
    failed = []
    for key in order:
        name, sql = tables[key]
        cols = columns(db, name)
        lits = literals(sql)
        db.execute("SAVEPOINT seed")
        err = None
        for i in range(1, ROWS + 1):
            # Foreign keys: row i takes parent row i (cycling); none yet and nullable: NULL.
            picked = {}
            for parent, pairs in fks[key].values():
                to = [t for _, t in pairs]
                if None in to:  # REFERENCES parent: its primary key
                    pk = sorted((c for c in db.execute(f"PRAGMA table_info({q(parent)})") if c[5]), key=lambda c: c[5])
                    to = [c[1] for c in pk]
                try:
                    rows = db.execute(f"SELECT {', '.join(map(q, to))} FROM {q(parent)}").fetchall() if to else []
                except sqlite3.Error:  # a parent that is not there (yet)
                    rows = []
                row = rows[(i - 1) % len(rows)] if rows else [None] * len(pairs)
                for (frm, _), val in zip(pairs, row):
                    picked[frm.lower()] = val
            for v in range(VARIANTS):
                vals = []
                for cname, decl, notnull, pk in cols:
                    c = cname.lower()
                    if c in picked:
                        vals.append(picked[c])
                    elif c in lits and not (pk and v == 4):
                        vals.append(lits[c][(i - 1) % len(lits[c])])
                    else:
                        vals.append(naive(decl, i, v))
                try:
                    db.execute(f"INSERT INTO {q(name)} ({', '.join(q(c[0]) for c in cols)}) "
                               f"VALUES ({', '.join('?' * len(cols))})", vals)
                    err = None
                    break
                except sqlite3.Error as e:
                    err = str(e)
            if err:
                break
        if err:
            db.execute("ROLLBACK TO seed")
            failed.append((name, err))
        db.execute("RELEASE seed")
    return failed


# ---------------------------------------------------------------- rows
def typed(v):
    return (type(v).__name__, v)


def read(db, name):
    cols = columns(db, name)
    alias = rowid_alias(db, name) if has_rowid(db, name) else None
    sel = [q(c[0]) for c in cols] + ([alias] if alias else [])
    rows = db.execute(f"SELECT {', '.join(sel) or 'NULL'} FROM {q(name)}").fetchall()
    n = len(cols)
    return {"columns": [c[0].lower() for c in cols],
            "key": [c[0].lower() for c in sorted((c for c in cols if c[3]), key=lambda c: c[3])],
            "rows": [(r[n] if alias else None, tuple(typed(x) for x in r[:n])) for r in rows]}


def plural(n):
    return "" if n == 1 else "s"


def compare(table, before, after):
    """Sentences (after `down of K `) for what `after` lost of `before`."""
    if not before["rows"]:
        return []
    n = len(before["rows"])
    if not after["rows"]:
        return [f"leaves {table} empty ({n} row{plural(n)} before)"]
    common = [c for c in before["columns"] if c in after["columns"]]
    bi = {c: before["columns"].index(c) for c in common}
    ai = {c: after["columns"].index(c) for c in common}
    key = before["key"] if before["key"] and all(k in common for k in before["key"]) else None
    by_rowid = key is None and all(r[0] is not None for r in before["rows"] + after["rows"])
    removed, changed = 0, {c: 0 for c in common}
    if key or by_rowid:
        def k_of(row, idx):
            return ("rowid", row[0]) if by_rowid else tuple(row[1][idx[k]] for k in key)
        index = {k_of(r, ai): r for r in after["rows"]}
        for r in before["rows"]:
            match = index.get(k_of(r, bi))
            if match is None:
                removed += 1
                continue
            for c in common:
                if r[1][bi[c]] != match[1][ai[c]]:
                    changed[c] += 1
    else:
        left = [tuple(r[1][ai[c]] for c in common) for r in after["rows"]]
        for r in before["rows"]:
            vals = tuple(r[1][bi[c]] for c in common)
            if vals in left:
                left.remove(vals)
            else:
                removed += 1
    out = [f"removes {removed} of {n} row{plural(n)} from {table}"] if removed else []
    out += [f"loses {c} in {m} row{plural(m)} of {table}" for c, m in changed.items() if m]
    return out


# ---------------------------------------------------------------- running
def verify(path):
    migs = load(path)
    res, not_seeded = [], []
    for k, m in enumerate(migs):
        r = {"version": m["version"], "down_data": []}
        res.append(r)
        if m["down"] is None:
            r["skipped"] = "no down"
            continue
        db = fresh()
        if any(run_script(db, mm["up"] or "", not mm.get("notx")) for mm in migs[:k]):
            r["skipped"] = "an earlier up fails"
            continue
        schema_before = snapshot(db)
        tables = user_tables(db)
        for name, why in seed(db, tables):
            not_seeded.append(f"{name} (before up of {m['version']}): {why}")
        rows = {key: read(db, name) for key, (name, _) in tables.items()}
        err = run_script(db, m["up"] or "", not m.get("notx"))
        if err:
            r["skipped"] = "up fails with the seeded rows: " + err
            continue
        err = run_script(db, m["down"], not m.get("notx"))
        if err:
            r["skipped"] = "down fails: " + err
            continue
        if diff(schema_before, snapshot(db)):
            r["skipped"] = "the schema is not back"
            continue
        now = user_tables(db)
        for key, (name, _) in now.items():
            if key in rows:
                r["down_data"] += [f"down of {m['version']} {s}" for s in compare(name, rows[key], read(db, name))]
    return {"set": os.path.basename(os.path.normpath(path)), "migrations": res, "not_seeded": not_seeded}


def show(out):
    for r in out["migrations"]:
        print(f"{r['version']:>16} {r.get('skipped') or ('pass' if not r['down_data'] else 'fail')}")
        for s in r["down_data"]:
            print(" " * 20 + "- " + s)
    for s in out["not_seeded"]:
        print("not seeded: " + s)


if __name__ == "__main__":
    cli(verify, show, __doc__)
