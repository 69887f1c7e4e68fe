#!/usr/bin/env python3
"""Independent staircase oracle for SQLite migration sets (does not use migraplay).

usage: python3 oracle.py DIR [--json]

Pairs <version>_<desc>.up.sql with <version>_<desc>.down.sql; a lone <version>_<desc>.sql
is an irreversible up, unless it holds goose (-- +goose Up/Down) or dbmate
(-- migrate:up/down) markers, in which case it is split into up and down.
Applies every up (each in BEGIN/COMMIT) on a fresh in-memory DB with foreign_keys=ON,
snapshotting the canonical schema S(k) after each; then for k = n..1 runs down k and
compares the schema with S(k-1) (and, apart, the full rollback: every down in turn on one
database, no rebuild).  After a failing/missing/erroring down the DB is
rebuilt from scratch with ups 1..k-1 before going on.
"""
import json, os, re, sqlite3, sys

BOOKKEEPING = {"_sqlx_migrations", "schema_migrations", "goose_db_version",
               "gorp_migrations", "schema_migration", "seaql_migrations"}
TX_STMT = re.compile(r"^\s*(BEGIN|COMMIT|END|ROLLBACK)(\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(\s+TRANSACTION)?\s*;?\s*$", re.I)

# ---------------------------------------------------------------- tokens
TOKEN = re.compile(r"""
    (?P<ws>\s+) | (?P<lc>--[^\n]*) | (?P<bc>/\*.*?(\*/|$)) |
    (?P<str>'(?:[^']|'')*') | (?P<dq>"(?:[^"]|"")*") | (?P<br>\[[^\]]*\]) | (?P<bt>`(?:[^`]|``)*`) |
    (?P<num>\d+(\.\d*)?([eE][-+]?\d+)?|\.\d+) | (?P<word>[A-Za-z_\x80-\uffff][\w$\x80-\uffff]*) |
    (?P<op>\|\||<=|>=|==|!=|<>|<<|>>|.)""", re.X | re.S)


def tokens(sql):
    """Canonical token list: no whitespace/comments, identifiers unquoted and upper-cased."""
    out = []
    for m in TOKEN.finditer(sql or ""):
        kind, text = m.lastgroup, m.group()
        if kind in ("ws", "lc", "bc"):
            continue
        if kind == "dq":
            text = text[1:-1].replace('""', '"').upper()
        elif kind == "bt":
            text = text[1:-1].replace("``", "`").upper()
        elif kind == "br":
            text = text[1:-1].upper()
        elif kind == "word":
            text = text.upper()
        out.append(text)
    return out


def norm(sql):
    return " ".join(tokens(sql))


def split_top(toks, sep=","):
    """Split a token list on `sep` at paren depth 0."""
    parts, cur, depth = [], [], 0
    for t in toks:
        if t == "(":
            depth += 1
        elif t == ")":
            depth -= 1
        if t == sep and depth == 0:
            parts.append(cur); cur = []
        else:
            cur.append(t)
    if cur:
        parts.append(cur)
    return parts


def paren_body(toks, start):
    """Return (inner tokens, index after closing paren) for the paren group opening at toks[start]."""
    depth = 0
    for i in range(start, len(toks)):
        depth += toks[i] == "("
        depth -= toks[i] == ")"
        if depth == 0:
            return toks[start + 1:i], i + 1
    return toks[start + 1:], len(toks)


def drop_if_not_exists(toks):
    s = " ".join(toks)
    return s.replace(" IF NOT EXISTS ", " ", 1).replace("CREATE TEMP ", "CREATE ", 1).replace("CREATE TEMPORARY ", "CREATE ", 1)


# ---------------------------------------------------------------- snapshot
def parse_create_table(sql):
    toks = tokens(sql)
    info = {"collate": {}, "generated": {}, "checks": [], "autoincrement": "AUTOINCREMENT" in toks}
    if "(" not in toks:
        return info
    body, _ = paren_body(toks, toks.index("("))
    for item in split_top(body):
        if not item:
            continue
        head = item[0]
        if head == "CONSTRAINT":
            item = item[2:]; head = item[0] if item else ""
        if head == "CHECK":
            info["checks"].append(" ".join(paren_body(item, 1)[0]))
            continue
        if head in ("PRIMARY", "UNIQUE", "FOREIGN"):
            continue
        col, i, depth = head, 1, 0
        while i < len(item):
            t = item[i]
            if t == "(":
                if i > 0 and item[i - 1] in ("CHECK", "AS"):
                    inner, j = paren_body(item, i)
                    key = "checks" if item[i - 1] == "CHECK" else "generated"
                    expr = " ".join(inner)
                    if key == "checks":
                        info["checks"].append(col + ": " + expr)
                    else:
                        info["generated"][col] = expr
                    i = j; continue
                inner, i = paren_body(item, i); continue
            if t == "COLLATE" and i + 1 < len(item):
                info["collate"][col] = item[i + 1]
            i += 1
    info["checks"].sort()
    return info


def index_keys(db, name, sql):
    rows = db.execute(f'PRAGMA index_xinfo("{name}")').fetchall()
    exprs = []
    if sql:
        toks = tokens(sql)
        if "ON" in toks and "(" in toks[toks.index("ON"):]:
            p = toks.index("(", toks.index("ON"))
            body, after = paren_body(toks, p)
            exprs = [" ".join(x) for x in split_top(body)]
    keys = []
    for r in rows:  # seqno, cid, name, desc, coll, key
        if not r[5]:
            continue
        col = r[2]
        if col is None:
            col = exprs[r[0]] if r[0] < len(exprs) else "<expr>"
            col = re.sub(r"\s+(ASC|DESC)$", "", col)
            col = re.sub(r"\s+COLLATE\s+\S+$", "", col)
        keys.append((col, bool(r[3]), (r[4] or "BINARY").upper()))
    return keys


def snapshot(db):
    snap = {"table": {}, "index": {}, "view": {}, "trigger": {}}
    objs = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema "
                      "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").fetchall()
    tlist = {r[1].lower(): r for r in db.execute("PRAGMA main.table_list").fetchall()}
    for typ, name, tbl, sql in objs:
        key = name.lower()
        if typ == "table":
            if key in BOOKKEEPING:
                continue
            tl = tlist.get(key)
            if sql and sql.upper().startswith("CREATE VIRTUAL"):
                snap["table"][key] = {"virtual": norm(sql)}
                continue
            p = parse_create_table(sql)
            cols = []
            for cid, cname, ctype, notnull, dflt, pk, hidden in db.execute(f'PRAGMA table_xinfo("{name}")'):
                cols.append({"name": cname, "type": " ".join(tokens(ctype)), "notnull": notnull,
                             "default": norm(dflt) if dflt is not None else None, "pk": pk, "hidden": hidden,
                             "collate": p["collate"].get(cname.upper(), "BINARY"),
                             "generated": p["generated"].get(cname.upper())})
            uniques = []
            for _, iname, unique, origin, partial in db.execute(f'PRAGMA index_list("{name}")'):
                if origin in ("u", "pk"):
                    uniques.append(f"{origin.upper()}{index_keys(db, iname, None)}")
            fks = {}
            for fid, seq, ftable, frm, to, onupd, ondel, match in db.execute(f'PRAGMA foreign_key_list("{name}")'):
                fk = fks.setdefault(fid, {"table": ftable.lower(), "from": [], "to": [],
                                          "on_update": onupd, "on_delete": ondel, "match": match})
                fk["from"].append(frm); fk["to"].append(to)
            snap["table"][key] = {
                "columns": cols, "unique/pk constraints": sorted(uniques),
                "checks": p["checks"], "foreign keys": sorted(json.dumps(f, sort_keys=True) for f in fks.values()),
                "without rowid": bool(tl[4]) if tl else False, "strict": bool(tl[5]) if tl else False,
                "autoincrement": p["autoincrement"]}
        elif typ == "index":
            if tbl.lower() in BOOKKEEPING or not sql:
                continue  # auto-indexes are covered by the table's constraints
            toks = tokens(sql)
            where = " ".join(toks[toks.index("WHERE") + 1:]) if "WHERE" in toks else None
            snap["index"][key] = {"table": tbl.lower(), "unique": toks[1] == "UNIQUE",
                                  "keys": index_keys(db, name, sql), "where": where}
        elif typ in ("view", "trigger"):
            snap[typ][key] = drop_if_not_exists(tokens(sql))
    return snap


def diff(before, after):
    """Human-readable differences: `before` is the expected S(k-1), `after` the schema after down k."""
    out = []
    for kind in ("table", "index", "view", "trigger"):
        b, a = before[kind], after[kind]
        for name in sorted(set(b) | set(a)):
            if name not in a:
                out.append(f"{kind} {name}: missing after down (expected to exist)")
            elif name not in b:
                out.append(f"{kind} {name}: left over after down (should not exist)")
            elif b[name] != a[name]:
                if kind != "table" or "virtual" in b[name] or "virtual" in a[name]:
                    out.append(f"{kind} {name}: expected {json.dumps(b[name])} got {json.dumps(a[name])}")
                    continue
                for field in b[name]:
                    x, y = b[name][field], a[name].get(field)
                    if x == y:
                        continue
                    if field == "columns":
                        xn, yn = [c["name"] for c in x], [c["name"] for c in y]
                        if xn != yn:
                            out.append(f"table {name}: columns expected {xn} got {yn}")
                        for cx in x:
                            cy = next((c for c in y if c["name"] == cx["name"]), None)
                            if cy and cx != cy:
                                d = {k: (cx[k], cy[k]) for k in cx if cx[k] != cy[k]}
                                out.append(f"table {name}: column {cx['name']}: " +
                                           ", ".join(f"{k} expected {v[0]!r} got {v[1]!r}" for k, v in d.items()))
                    else:
                        out.append(f"table {name}: {field} expected {x} got {y}")
    return out


# ---------------------------------------------------------------- running
def statements(sql):
    """Split a script into complete statements; drop BEGIN/COMMIT lines (we own the transaction)."""
    stmts, buf = [], ""
    for piece in sql.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if tokens(buf) not in ([";"], []) and not TX_STMT.match(re.sub(r"--[^\n]*|/\*.*?\*/", "", buf, flags=re.S)):
                stmts.append(buf.strip())
            buf = ""
    if tokens(buf) not in ([";"], []):
        stmts.append(buf.strip())  # trailing statement without ';'
    return stmts


def run_script(db, sql, wrap=True):
    """Run inside BEGIN/COMMIT (or statement by statement when the file opts out
    of the transaction); return None on success, else the error message."""
    if not wrap:
        try:
            for st in statements(sql):
                db.execute(st).fetchall()
            return None
        except sqlite3.Error as e:
            if db.in_transaction:
                db.execute("ROLLBACK")
            return str(e)
    db.execute("BEGIN")
    try:
        for st in statements(sql):
            db.execute(st).fetchall()
        db.execute("COMMIT")
        return None
    except sqlite3.Error as e:
        if db.in_transaction:
            db.execute("ROLLBACK")
        return str(e)


GOOSE = re.compile(r"^--\s*\+goose\s+(up|down)\b.*$", re.I | re.M)
DBMATE = re.compile(r"^--\s*migrate:(up|down)\b.*$", re.I | re.M)


def load(path):
    migs = {}
    for f in sorted(os.listdir(path)):
        m = re.match(r"^(\d+)_(.+?)(\.(up|down))?\.sql$", f)
        if not m:
            continue
        v = int(m.group(1))
        mig = migs.setdefault(v, {"version": v, "description": m.group(2), "up": None, "down": None, "files": []})
        text = open(os.path.join(path, f), encoding="utf-8", errors="replace").read()
        mig["files"].append(f)
        # sqlx's first-line marker, goose's NO TRANSACTION, dbmate's transaction:false
        if (text.lstrip("\ufeff").startswith("-- no-transaction") or re.search(r"^--\s*\+goose\s+NO\s+TRANSACTION", text, re.I | re.M)
                or re.search(r"^--\s*migrate:(up|down)\b.*transaction:false", text, re.I | re.M)):
            mig["notx"] = True
        if m.group(4):
            mig[m.group(4)] = text
        else:
            marker = GOOSE if GOOSE.search(text) else DBMATE if DBMATE.search(text) else None
            if marker:
                parts = marker.split(text)  # [pre, dir, body, dir, body...]
                for d, body in zip(parts[1::2], parts[2::2]):
                    mig[d.lower()] = (mig[d.lower()] or "") + body
            else:
                mig["up"] = text
    return [migs[v] for v in sorted(migs)]


def fresh():
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("PRAGMA foreign_keys=ON")
    return db


def verify(path):
    migs = load(path)
    res = [{"version": m["version"], "description": m["description"], "files": m["files"],
            "up": "not_tested", "down": "not_tested", "differences": []} for m in migs]
    db, snaps = fresh(), [snapshot(fresh())]
    n = 0
    for m, r in zip(migs, res):
        err = run_script(db, m["up"] or "", not m.get("notx"))
        if err:
            r["up"] = "error: " + err
            break
        r["up"] = "ok"; snaps.append(snapshot(db)); n += 1
    for k in range(n, 0, -1):
        m, r = migs[k - 1], res[k - 1]
        ok = False
        if m["down"] is None:
            r["down"] = "none"
        else:
            err = run_script(db, m["down"], not m.get("notx"))
            if err:
                r["down"] = "error: " + err
            else:
                r["differences"] = diff(snaps[k - 1], snapshot(db))
                r["down"] = "fail" if r["differences"] else "pass"
                ok = not r["differences"]
        if not ok and k > 1:  # rebuild S(k-1) from scratch
            db = fresh()
            for mm in migs[:k - 1]:
                run_script(db, mm["up"] or "", not mm.get("notx"))
    return {"set": os.path.basename(os.path.normpath(path)), "migrations": res, "full_rollback": full_rollback(migs, n)}


def full_rollback(migs, n):
    """The n ups that applied, then every down in reverse on that one database, no rebuild:
    where it stops (a migration with no down, or an error), or whether it ends at the empty schema."""
    if n == 0:
        return {"result": "not_run"}
    db = fresh()
    for m in migs[:n]:
        run_script(db, m["up"] or "", not m.get("notx"))
    reverted = 0
    for k in range(n, 0, -1):
        m = migs[k - 1]
        if m["down"] is None:
            return {"result": "irreversible", "at": m["version"], "reverted": reverted}
        err = run_script(db, m["down"], not m.get("notx"))
        if err:
            return {"result": "fails", "at": m["version"], "reverted": reverted, "message": err}
        reverted += 1
    return {"result": "reached" if diff(snapshot(fresh()), snapshot(db)) else "clean", "reverted": reverted}


def cli(verify, show, usage):
    """An oracle's command line: `DIR [--json]`, the result as JSON or as `show` prints it."""
    args = [a for a in sys.argv[1:] if a != "--json"]
    if len(args) != 1:
        sys.exit(usage)
    out = verify(args[0])
    if "--json" in sys.argv:
        print(json.dumps(out, indent=1))
        return
    print(f"set {out['set']}: {len(out['migrations'])} migrations")
    show(out)


def show(out):
    for r in out["migrations"]:
        print(f"{r['version']:>16} {r['description'][:40]:40} up={r['up'][:60]:12} down={r['down'][:70]}")
        for d in r["differences"]:
            print(" " * 20 + "- " + d)
    print("full rollback:", json.dumps(out["full_rollback"]))


if __name__ == "__main__":
    cli(verify, show, __doc__)
