//! Odd but legal input, natively: Unicode names (right-to-left, zero-width,
//! emoji), a byte-order mark, CRLF line endings, a 1,000-character name,
//! comment-only and empty files, `-- no-transaction`, and a 10,000-line
//! migration. (The page runs the same corpus in tests/e2e/reviewer.test.mjs.)

mod common;

use common::{fixture, playground, tables};
use migraplay::{verify, MigrationSet, Playground, Target};

#[test]
fn the_odd_corpus_applies_reverts_and_verifies() {
    let set = MigrationSet::from_dir(&fixture("odd_corpus")).unwrap();
    let report = verify(&set, "native test", None, &mut |_| {}).unwrap();
    let problems: Vec<_> = report.migrations.iter().flat_map(|m| m.problems.clone()).collect();
    assert!(report.ok, "{problems:?}");
    assert!(report.lint.is_empty(), "{:?}", report.lint);

    let mut pg = playground("odd_corpus");
    pg.migrate(Target::Up(None)).unwrap();
    let long = format!("l{}ng", "o".repeat(998));
    assert_eq!(tables(&pg), [long.as_str(), "outside_tx", "עברית"]);
    let hebrew = pg.schema().unwrap().tables.into_iter().find(|t| t.name == "עברית").unwrap();
    let columns: Vec<(String, Option<String>)> = hebrew.columns.iter().map(|c| (c.name.clone(), c.default.as_ref().map(|d| d.text.clone()))).collect();
    assert_eq!(
        columns,
        [
            ("\u{202e}evil\u{202c}".to_string(), None),
            ("zero\u{200b}width".to_string(), None),
            ("🦀".to_string(), Some("'🎉'".to_string())),
        ]
    );
    pg.migrate(Target::Down(None)).unwrap();
    assert!(tables(&pg).is_empty());
}

#[test]
fn the_checksum_covers_the_byte_order_mark_as_sqlx_does() {
    let set = MigrationSet::from_dir(&fixture("odd_corpus")).unwrap();
    let bytes = std::fs::read(fixture("odd_corpus").join("1_unicode_names.up.sql")).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"));
    use sha2::Digest;
    assert_eq!(set.get(1).unwrap().checksum, sha2::Sha384::digest(&bytes).to_vec());
}

#[test]
fn crlf_line_endings_keep_error_lines_right() {
    let mut pg = playground("crlf_error");
    let err = pg.migrate(Target::Up(None)).unwrap_err();
    assert_eq!(err.to_string(), "1_crlf.up.sql, statement 2 (line 5): no such table: missing_table");
    assert!(tables(&pg).is_empty());
}

#[test]
fn a_ten_thousand_line_migration_runs_and_reports_its_last_line() {
    let mut up = String::from("CREATE TABLE IF NOT EXISTS big (n INTEGER);\n");
    for i in 1..9_999 {
        up.push_str(&format!("INSERT INTO big VALUES ({i});\n"));
    }
    up.push_str("INSERT INTO nowhere VALUES (0);\n");
    assert_eq!(up.lines().count(), 10_000);
    let files = |up: &str| vec![("1_big.up.sql".to_string(), up.as_bytes().to_vec()), ("1_big.down.sql".to_string(), b"DROP TABLE IF EXISTS big;".to_vec())];
    let mut pg = Playground::in_memory(MigrationSet::from_files(files(&up)).unwrap()).unwrap();
    let err = pg.migrate(Target::Up(None)).unwrap_err();
    assert_eq!(err.to_string(), "1_big.up.sql, statement 10000 (line 10000): no such table: nowhere");
    assert!(tables(&pg).is_empty(), "9,999 statements rolled back");

    let fixed = up.replace("INSERT INTO nowhere VALUES (0);\n", "INSERT INTO big VALUES (9999);\n");
    let mut pg = Playground::in_memory(MigrationSet::from_files(files(&fixed)).unwrap()).unwrap();
    pg.migrate(Target::Up(None)).unwrap();
    let n: i64 = pg.connection().query_row("SELECT count(*) FROM big", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 9_999);
}
