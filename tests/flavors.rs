//! Sets written for each of the four tools, read and run as that tool does:
//! the flavor is read from the files (and says why), sections and transaction
//! markers are honoured, and a missing down is irreversible, not a refusal.

mod common;

use common::fixture;
use migraplay::{verify, DownResult, Flavor, MigrationSet, Playground, Target, Transaction};

#[test]
fn a_goose_set_is_read_in_sections_with_its_statement_blocks_and_no_transaction() {
    let set = MigrationSet::from_dir(&fixture("goose_set")).unwrap();
    assert_eq!(set.flavor().flavor, Flavor::Goose);
    assert_eq!(set.flavor().why, "3 files have `-- +goose Up` sections");
    let m = set.migrations();
    assert_eq!(m[1].up.transaction, Transaction::Off, "-- +goose NO TRANSACTION: VACUUM can run");
    assert!(m[2].down.is_none(), "no Down section: irreversible");
    assert_eq!(set.files().len(), 3, "one file per migration, as written");
    let r = verify(&set, "test", None, &mut |_| {}).unwrap();
    assert!(r.ok, "{:?}", r.migrations.iter().map(|m| &m.problems).collect::<Vec<_>>());
    assert_eq!(r.migrations[2].down, DownResult::None);
    assert!(r.to_markdown().contains("- **Flavor**: goose (3 files have \\`-- +goose Up\\` sections)\n"));
}

#[test]
fn a_goose_error_names_the_line_of_the_file_not_of_the_section() {
    let files = [("1_a.sql".to_string(), b"-- +goose Up\nCREATE TABLE t(x);\nCREATE TABEL u(y);\n-- +goose Down\nDROP TABLE t;\n".to_vec())];
    let mut pg = Playground::in_memory(MigrationSet::from_files(files).unwrap()).unwrap();
    let err = pg.migrate(Target::Up(None)).unwrap_err();
    assert_eq!(err.to_string(), "1_a.sql, statement 2 (line 3): near \"TABEL\": syntax error");
}

#[test]
fn a_dbmate_set_honours_transaction_false() {
    let set = MigrationSet::from_dir(&fixture("dbmate_set")).unwrap();
    assert_eq!(set.flavor().flavor, Flavor::Dbmate);
    assert_eq!(set.migrations()[1].up.transaction, Transaction::Off);
    assert!(verify(&set, "test", None, &mut |_| {}).unwrap().ok);
}

#[test]
fn a_golang_migrate_set_with_its_own_transactions_runs_unwrapped_and_a_missing_down_is_irreversible() {
    let set = MigrationSet::from_dir(&fixture("golang_migrate_own_transactions")).unwrap();
    assert_eq!(set.flavor().flavor, Flavor::GolangMigrate);
    assert_eq!(
        set.flavor().why,
        "3 files have their own BEGIN/COMMIT, as golang-migrate runs them with x-no-tx-wrap (sqlx would refuse them)"
    );
    assert!(set.migrations().iter().all(|m| m.up.transaction == Transaction::SelfManaged));
    let r = verify(&set, "test", None, &mut |_| {}).unwrap();
    assert!(r.ok, "{:?}", r.migrations.iter().map(|m| &m.problems).collect::<Vec<_>>());
    assert_eq!(r.migrations[1].down, DownResult::None);
}

#[test]
fn the_same_files_read_as_sqlx_are_refused_with_what_to_do() {
    let set = MigrationSet::from_dir_as(&fixture("golang_migrate_own_transactions"), Some(Flavor::Sqlx)).unwrap();
    assert_eq!(set.flavor().why, "asked for");
    let r = verify(&set, "test", None, &mut |_| {}).unwrap();
    assert_eq!(
        r.migrations[0].problems[0].to_string(),
        "up failed: 000001_create_accounts.up.sql, statement 1 (line 1): BEGIN starts a transaction inside the one migraplay runs \
         each migration in; remove it, or make `-- no-transaction` the file's first line (refused before it ran)"
    );
}

#[test]
fn a_single_file_without_its_section_marker_is_named() {
    let files = [
        ("1_a.sql".to_string(), b"-- +goose Up\nCREATE TABLE t(x);\n-- +goose Down\nDROP TABLE t;".to_vec()),
        ("2_b.sql".to_string(), b"CREATE TABLE u(y);".to_vec()),
    ];
    let err = MigrationSet::from_files(files).unwrap_err();
    assert_eq!(err.to_string(), "2_b.sql has no `-- +goose Up` section; goose would not run it");
}
