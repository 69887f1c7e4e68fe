//! `migraplay verify --format github|sarif|junit`: findings where the code is,
//! as a CI system reads them. Exact lines, the choice made under GitHub
//! Actions, the job summary, SARIF checked by a real validator (ajv, from
//! tests/e2e, against the SARIF 2.1.0 schema shipped in the serde-sarif crate),
//! JUnit parsed back, and a line for every finding with a file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// `migraplay verify …` run from the repository root, outside GitHub Actions
/// unless `env` says otherwise.
fn verify(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_migraplay"));
    c.current_dir(ROOT).arg("verify").args(args).env_remove("GITHUB_ACTIONS").env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("migraplay runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn errors(o: &Output) -> Vec<String> {
    stdout(o).lines().filter(|l| l.starts_with("::error")).map(str::to_owned).collect()
}

#[test]
fn github_points_a_failing_statement_at_its_own_line() {
    let o = verify(&["tests/fixtures/broken_third_statement", "--format", "github", "--lint", "style=off"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "::error file=tests/fixtures/broken_third_statement/2_create_books.up.sql,line=12,title=2 up failed::\
         2 create books: up failed: 2_create_books.up.sql, statement 3 (line 12): near \"TABEL\": syntax error (rolled back)\n\
         FAIL: 1 of 2 migrations failing (2), 1 passing.\n"
    );
}

#[test]
fn github_points_what_a_down_leaves_behind_at_its_down_file_and_names_the_up_line_that_made_it() {
    let o = verify(&["./tests/fixtures/index_left_behind/", "--format", "github", "--lint", "style=off"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        errors(&o),
        ["::error file=tests/fixtures/index_left_behind/2_index_b.down.sql,line=1,title=2 down leaves index idx_b::\
          2 index b: down: index idx_b is still there (created by 2 index b, 2_index_b.up.sql line 1); \
          nothing in 2_index_b.down.sql touches index idx_b"]
    );
}

#[test]
fn github_points_what_a_rebuilding_down_got_wrong_at_the_down_statements() {
    let o = verify(&["tests/fixtures/rebuild_loses_constraints", "--format", "github"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let file = "file=tests/fixtures/rebuild_loses_constraints/2_add_plan.down.sql";
    assert_eq!(
        errors(&o),
        [
            format!("::error {file},line=10,title=2 down changes column accounts.email::2 add plan: down: column accounts.email: collation NOCASE → none (created by 1 create accounts, 1_create_accounts.up.sql line 1); see 2_add_plan.down.sql line 10"),
            format!("::error {file},line=10,title=2 down changes column accounts.id::2 add plan: down: column accounts.id: autoincrement yes → no (created by 1 create accounts, 1_create_accounts.up.sql line 1); see 2_add_plan.down.sql line 10"),
            // `:` and `,` in a property are escaped; in the message they stay.
            format!("::error {file},line=10,title=2 down loses table accounts%3A UNIQUE (org%2C handle)::2 add plan: down: table accounts: UNIQUE (org, handle) is missing (created by 1 create accounts, 1_create_accounts.up.sql line 1); see 2_add_plan.down.sql line 10"),
            format!("::error {file},line=12,title=2 down leaves table accounts_backup::2 add plan: down: table accounts_backup is new (the down created it); see 2_add_plan.down.sql line 12"),
            format!("::error {file},line=11,title=2 down changes index idx_accounts_email::2 add plan: down: index idx_accounts_email: key email DESC → email (created by 1 create accounts, 1_create_accounts.up.sql line 8); see 2_add_plan.down.sql line 11"),
        ]
    );
    // Lint warnings are warnings, on their statement's line.
    assert!(stdout(&o).contains(
        "::warning file=tests/fixtures/rebuild_loses_constraints/2_add_plan.down.sql,line=12,title=create-without-if-not-exists::CREATE TABLE accounts_backup without IF NOT EXISTS\n"
    ));
}

#[test]
fn github_notes_what_was_not_tested() {
    let o = verify(&["tests/fixtures/not_tested_after_failure", "--format", "github", "--lint", "style=off"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains(
        "::notice file=tests/fixtures/not_tested_after_failure/3_create_c.up.sql,line=1,title=3 up not tested::3 create c: not tested: the up of 2 create b failed before it\n"
    ), "{}", stdout(&o));
}

#[test]
fn github_escapes_percent_colon_comma_and_newlines_as_the_actions_toolkit_does() {
    let dir = tempfile::tempdir().unwrap();
    // A constraint's name is in SQLite's message: with `%`, `:` and a newline in it.
    std::fs::write(dir.path().join("1_odd,name.up.sql"), "CREATE TABLE t (x INTEGER CONSTRAINT \"50%\nsure: yes\" CHECK (x > 0));\nINSERT INTO t VALUES (-1);\n").unwrap();
    std::fs::write(dir.path().join("1_odd,name.down.sql"), "DROP TABLE t;\n").unwrap();
    let folder = dir.path().to_str().unwrap();
    let o = verify(&[folder, "--format", "github", "--lint", "style=off"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        errors(&o),
        [format!(
            "::error file={folder}/1_odd%2Cname.up.sql,line=3,title=1 up failed::1 odd,name: up failed: 1_odd,name.up.sql, statement 2 (line 3): \
             CHECK constraint failed: 50%25%0Asure: yes (rolled back)"
        )]
    );
}

#[test]
fn github_is_chosen_under_github_actions_and_md_switches_it_off() {
    let set = "tests/fixtures/index_left_behind";
    let gha = [("GITHUB_ACTIONS", "true")];
    let auto = verify(&[set], &gha);
    assert_eq!(auto.status.code(), Some(1));
    assert!(stdout(&auto).starts_with("::error file=tests/fixtures/index_left_behind/2_index_b.down.sql,line=1,"), "{}", stdout(&auto));
    let md = verify(&[set, "--format", "md"], &gha);
    assert_eq!(md.status.code(), Some(1));
    assert!(stdout(&md).starts_with("# Database Migrations Test Report\n"));
    assert!(!stdout(&md).contains("::error"));
    // Outside GitHub Actions (or with another value) the default stays Markdown.
    for env in [&[][..], &[("GITHUB_ACTIONS", "false")][..]] {
        assert!(stdout(&verify(&[set], env)).starts_with("# Database Migrations Test Report\n"));
    }
}

#[test]
fn the_help_says_how_to_switch_the_annotations_off() {
    let o = Command::new(env!("CARGO_BIN_EXE_migraplay")).args(["verify", "--help"]).output().unwrap();
    let help = stdout(&o);
    assert!(help.contains("default: github when GITHUB_ACTIONS=true, else md"), "{help}");
    assert!(help.contains("`--format md`"), "{help}");
}

#[test]
fn github_appends_the_comment_report_to_the_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "## An earlier step\n").unwrap();
    let env = [("GITHUB_ACTIONS", "true"), ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())];
    for _ in 0..2 {
        assert_eq!(verify(&["tests/fixtures/index_left_behind"], &env).status.code(), Some(1));
    }
    let text = std::fs::read_to_string(&summary).unwrap();
    // The comment format: what fits a job summary as a pull-request comment does.
    assert!(text.starts_with("## An earlier step\n## migraplay: FAIL\n\nFAIL: 1 of 2 migrations failing (2), 1 passing.\n"), "{text}");
    assert_eq!(text.matches("## migraplay: FAIL\n").count(), 2);
    assert_eq!(text.matches("- `tests/fixtures/index_left_behind/2_index_b.down.sql:1` 2 index b: down: index idx_b is still there").count(), 2, "{text}");
    assert!(text.ends_with(&format!("<sub>migraplay {} · SQLite {}</sub>\n", env!("CARGO_PKG_VERSION"), migraplay::sqlite_version())), "{text}");
    // `--format md` writes no summary (the report is on stdout already).
    std::fs::write(&summary, "").unwrap();
    verify(&["tests/fixtures/index_left_behind", "--format", "md"], &env);
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), "");
}

#[test]
fn exit_codes_are_verifys_in_every_format() {
    for format in ["md", "json", "github", "sarif", "junit"] {
        assert_eq!(verify(&["tests/fixtures/broken_third_statement", "--format", format], &[]).status.code(), Some(1), "{format}");
        assert_eq!(verify(&["tests/fixtures/missing_down", "--format", format], &[]).status.code(), Some(0), "{format}");
        assert_eq!(verify(&["tests/fixtures/no_such_folder", "--format", format], &[]).status.code(), Some(2), "{format}");
    }
}

/// The SARIF 2.1.0 schema as the serde-sarif crate ships it (in cargo's registry).
fn sarif_schema() -> PathBuf {
    // Only this machine's dependencies: those of other platforms may not be downloaded.
    let rustc = Command::new("rustc").arg("-vV").output().expect("rustc runs");
    let host = String::from_utf8_lossy(&rustc.stdout).lines().find_map(|l| l.strip_prefix("host: ").map(str::to_owned)).unwrap();
    let args = ["metadata", "--format-version", "1", "--offline", "--filter-platform", &host];
    let o = Command::new(env!("CARGO")).current_dir(ROOT).args(args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let package = meta["packages"].as_array().unwrap().iter().find(|p| p["name"] == "serde-sarif").expect("serde-sarif is a dependency");
    let schema = Path::new(package["manifest_path"].as_str().unwrap()).with_file_name("src/schema.json");
    let text = std::fs::read_to_string(&schema).unwrap();
    assert!(text.contains("\"title\": \"Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema\""));
    schema
}

/// Validates `doc` with ajv (draft-07, formats checked); `Err` holds ajv's errors.
fn ajv(schema: &Path, doc: &str) -> Result<(), String> {
    let e2e = Path::new(ROOT).join("tests/e2e");
    assert!(e2e.join("node_modules/ajv-formats").is_dir(), "run .ci/setup: it installs ajv in tests/e2e");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.sarif");
    std::fs::write(&file, doc).unwrap();
    let script = "const Ajv = require('ajv'); const addFormats = require('ajv-formats'); const fs = require('fs');
        // unicodeRegExp off: the schema's language pattern is not valid with the u flag.
        const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }); addFormats(ajv);
        const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[1], 'utf8')));
        if (!validate(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')))) { console.log(JSON.stringify(validate.errors)); process.exit(1); }";
    let o = Command::new("node").current_dir(&e2e).args(["-e", script, schema.to_str().unwrap(), file.to_str().unwrap()]).output().expect("node runs");
    if o.status.success() { Ok(()) } else { Err(format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr))) }
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema_with_the_findings_and_rules() {
    let schema = sarif_schema();
    let o = verify(&["tests/fixtures/rebuild_loses_constraints", "--format", "sarif", "--lint", "style=off"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    ajv(&schema, &text).unwrap();
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "migraplay");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["rules"], serde_json::json!([{"id": "down-differs", "shortDescription": {"text": "A down does not leave the schema as it was before its up"}}]));
    let results: Vec<(String, String, String, i64)> = runs[0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let at = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                r["level"].as_str().unwrap().to_owned(),
                at["artifactLocation"]["uri"].as_str().unwrap().to_owned(),
                at["region"]["startLine"].as_i64().unwrap(),
            )
        })
        .collect();
    let down = "tests/fixtures/rebuild_loses_constraints/2_add_plan.down.sql";
    let lines: Vec<i64> = results.iter().map(|r| r.3).collect();
    assert_eq!(lines, [10, 10, 10, 12, 11]);
    assert!(results.iter().all(|r| r.0 == "down-differs" && r.1 == "error" && r.2 == down), "{results:?}");
    assert_eq!(runs[0]["results"][3]["message"]["text"], "2 add plan: down: table accounts_backup is new (the down created it); see 2_add_plan.down.sql line 12");
    // The validator is real: a log without its version is refused.
    let mut broken = log.clone();
    broken.as_object_mut().unwrap().remove("version");
    assert!(ajv(&schema, &broken.to_string()).is_err());
}

#[test]
fn sarif_with_lint_warnings_and_notes_is_valid_too() {
    let schema = sarif_schema();
    let o = verify(&["tests/fixtures/not_tested_after_failure", "--format", "sarif"], &[]);
    let text = stdout(&o);
    ajv(&schema, &text).unwrap();
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    let levels: Vec<&str> = log["runs"][0]["results"].as_array().unwrap().iter().map(|r| r["level"].as_str().unwrap()).collect();
    assert_eq!(levels[..2], ["error", "note"]);
    assert!(levels[2..].iter().all(|l| *l == "warning"), "{levels:?}");
    let rules: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(rules, ["up-failed", "not-tested", "lint/create-without-if-not-exists", "lint/drop-without-if-exists"]);
}

#[test]
fn junit_has_a_case_per_migration_and_phase_with_failures_and_skips() {
    let o = verify(&["tests/fixtures/not_tested_after_failure", "--format", "junit"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let report = quick_junit::Report::deserialize_from_str(&stdout(&o)).expect("JUnit XML parses back");
    assert_eq!(report.test_suites.len(), 1);
    let suite = &report.test_suites[0];
    assert_eq!(suite.name.as_str(), "migraplay verify tests/fixtures/not_tested_after_failure");
    let cases: Vec<(String, &str)> = suite
        .test_cases
        .iter()
        .map(|c| {
            let status = match &c.status {
                quick_junit::TestCaseStatus::Success { .. } => "pass",
                quick_junit::TestCaseStatus::NonSuccess { .. } => "fail",
                quick_junit::TestCaseStatus::Skipped { .. } => "skip",
            };
            (c.name.to_string(), status)
        })
        .collect();
    let expected = [
        ("1 create a: up", "pass"),
        ("1 create a: down", "pass"),
        ("1 create a: up again", "pass"),
        ("1 create a: data", "pass"),
        ("2 create b: up", "fail"),
        ("2 create b: down", "skip"),
        ("2 create b: up again", "skip"),
        ("2 create b: data", "skip"),
        ("3 create c: up", "skip"),
        ("3 create c: down", "skip"),
        ("3 create c: up again", "skip"),
        ("3 create c: data", "skip"),
    ];
    assert_eq!(cases, expected.map(|(n, s)| (n.to_string(), s)));
    let failed = &suite.test_cases[4];
    let quick_junit::TestCaseStatus::NonSuccess { message, ty, description, .. } = &failed.status else { panic!() };
    assert_eq!(message.as_deref(), Some("2 up failed"));
    assert_eq!(ty.as_deref(), Some("up-failed"));
    assert_eq!(
        description.as_deref(),
        Some("tests/fixtures/not_tested_after_failure/2_create_b.up.sql:2: 2 create b: up failed: 2_create_b.up.sql, statement 2 (line 2): no such table: missing_table (rolled back)")
    );
    let quick_junit::TestCaseStatus::Skipped { message, .. } = &suite.test_cases[8].status else { panic!() };
    assert_eq!(message.as_deref(), Some("not tested: the up of 2 create b failed before it"));
}

#[test]
fn junit_fails_the_down_case_of_a_down_that_leaves_an_index_and_skips_a_missing_down() {
    let o = verify(&["tests/fixtures/index_left_behind", "--format", "junit", "--data", "off"], &[]);
    let report = quick_junit::Report::deserialize_from_str(&stdout(&o)).unwrap();
    let names: Vec<String> = report.test_suites[0].test_cases.iter().map(|c| c.name.to_string()).collect();
    assert_eq!(names, ["1 create things: up", "1 create things: down", "1 create things: up again", "2 index b: up", "2 index b: down", "2 index b: up again"]);
    let down = &report.test_suites[0].test_cases[4];
    assert!(matches!(down.status, quick_junit::TestCaseStatus::NonSuccess { .. }));
    assert_eq!(down.classname.as_deref(), Some("tests/fixtures/index_left_behind/2_index_b.down.sql"));

    let o = verify(&["tests/fixtures/missing_down", "--format", "junit", "--data", "off"], &[]);
    assert_eq!(o.status.code(), Some(0));
    let report = quick_junit::Report::deserialize_from_str(&stdout(&o)).unwrap();
    let down = &report.test_suites[0].test_cases[4];
    assert_eq!(down.name.as_str(), "2 create b: down");
    let quick_junit::TestCaseStatus::Skipped { message, .. } = &down.status else { panic!("{:?}", down.status) };
    assert_eq!(message.as_deref(), Some("irreversible: no down file"));
}

#[test]
fn every_finding_with_a_file_has_a_line_in_that_file_across_all_fixtures() {
    let mut checked = 0;
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("tests/fixtures")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    fixtures.sort();
    for dir in fixtures {
        let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let folder = format!("tests/fixtures/{name}");
        let o = verify(&[&folder, "--format", "sarif", "--timeout", "1"], &[]);
        if o.status.code() == Some(2) {
            continue; // the set cannot be loaded at all: no file to point at
        }
        let log: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{name}: {e}"));
        for r in log["runs"][0]["results"].as_array().unwrap() {
            let Some(at) = r["locations"][0]["physicalLocation"].as_object() else {
                assert_eq!(r["ruleId"], "load-failed", "{name}: {r}");
                continue;
            };
            let uri = at["artifactLocation"]["uri"].as_str().unwrap();
            let line = at["region"]["startLine"].as_u64().unwrap_or_else(|| panic!("{name}: no line in {r}"));
            // The file is one of the set's, and the line is in it.
            let text = std::fs::read_to_string(Path::new(ROOT).join(uri)).unwrap_or_else(|e| panic!("{name}: {uri}: {e}"));
            assert!(line >= 1 && line as usize <= text.lines().count().max(1), "{name}: {uri} has no line {line}");
            checked += 1;
        }
        // The GitHub lines say the same: no `file=` without a `line=`.
        let gh = stdout(&verify(&[&folder, "--format", "github", "--timeout", "1"], &[]));
        for l in gh.lines().filter(|l| l.contains(" file=")) {
            assert!(l.split("::").nth(1).unwrap().split(',').any(|p| p.starts_with("line=")), "{name}: {l}");
        }
    }
    assert!(checked > 100, "only {checked} findings checked");
}

/// A set whose names carry a workflow command, escape sequences, links and a mention.
fn hostile_names(dir: &Path) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let stem = "1_www.evil.example @someone";
    std::fs::write(dir.join(format!("{stem}.up.sql")), "CREATE TABLE \"x\n::error file=evil.sql::pwned\" (a);\nCREATE TABLE \"https://evil.example/login\" (b);\n").unwrap();
    std::fs::write(dir.join(format!("{stem}.down.sql")), "SELECT 1;\n").unwrap();
    std::fs::write(dir.join("2_esc.up.sql"), "CREATE TABLE \"\x1b]0;hacked\x07\x1b[2J\" (c);\n").unwrap();
    std::fs::write(dir.join("2_esc.down.sql"), "SELECT 1;\n").unwrap();
    dir.to_str().unwrap().to_string()
}

#[test]
fn names_from_a_migration_are_inert_in_every_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = hostile_names(&tmp.path().join("set"));
    let control = |s: &str| s.chars().any(|c| c.is_control() && c != '\n');
    // The terminal (and a CI log): one FAIL line per finding, no control character.
    let o = verify(&[&dir], &[]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!control(&err), "{err:?}");
    assert!(err.lines().all(|l| l.starts_with("FAIL ")), "{err}");
    assert!(err.contains("table x\\n::error file=evil.sql::pwned is still there"), "{err}");
    // GitHub's workflow commands: every line is one of ours; the injected one is inside a message.
    let o = verify(&[&dir, "--format", "github"], &[]);
    let out = stdout(&o);
    assert!(!control(&out), "{out:?}");
    // Parsed as the runner parses them: `::command key=value,…::message`, values unescaped.
    for line in out.lines().filter(|l| l.starts_with("::")) {
        let (head, _) = line[2..].split_once("::").unwrap();
        let (command, props) = head.split_once(' ').unwrap_or((head, ""));
        assert!(["error", "warning", "notice"].contains(&command), "{line}");
        for prop in props.split(',') {
            let (key, value) = prop.split_once('=').unwrap();
            assert!(["file", "line", "title"].contains(&key), "{line}");
            let value = value.replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%");
            assert!(key != "file" || !value.contains("evil.sql"), "a name cannot point an annotation elsewhere: {line}");
        }
    }
    assert!(!out.lines().any(|l| l.starts_with("::error file=evil.sql")), "no line of a name's making");
    // Markdown as GitHub renders it (autolinks on): no link, no mention, no control character.
    let o = verify(&[&dir, "--format", "md"], &[]);
    let md = stdout(&o);
    assert!(!control(&md), "{md:?}");
    let mut options = comrak::Options::default();
    options.extension.autolink = true;
    let html = comrak::markdown_to_html(&md, &options);
    assert!(!html.contains("<a "), "{}", html.lines().filter(|l| l.contains("<a ")).collect::<Vec<_>>().join("\n"));
    // GitHub makes no mention inside code; everywhere else it would.
    let mut prose = html.clone();
    for (open, close) in [("<pre", "</pre>"), ("<code", "</code>")] {
        while let Some(a) = prose.find(open) {
            let b = prose[a..].find(close).map_or(prose.len(), |b| a + b + close.len());
            prose.replace_range(a..b, "");
        }
    }
    let mention = regex_free_mention(&prose);
    assert!(mention.is_none(), "a mention: {mention:?}");
    assert!(html.contains("evil.example/login"), "the name is still there to read");
}

/// `@name` as GitHub makes a mention of it: `@` after no word character, then a letter or digit.
fn regex_free_mention(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).find_map(|i| {
        let before = i.checked_sub(1).map(|j| chars[j]).filter(|c| c.is_alphanumeric());
        (chars[i] == '@' && before.is_none() && chars.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric()))
            .then(|| chars[i..(i + 12).min(chars.len())].iter().collect())
    })
}

#[test]
fn the_comment_format_fits_a_pull_request_comment_and_keeps_every_failing_migration() {
    // 1,000 migrations, one in three with a down that leaves its table and index behind
    // (and its up then failing on what the down left): a thousand findings.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("set");
    std::fs::create_dir(&dir).unwrap();
    for k in 1..=1000 {
        std::fs::write(dir.join(format!("{k}_create_table_number_{k}.up.sql")), format!("CREATE TABLE t{k}(x);\nCREATE INDEX i{k} ON t{k}(x);\n")).unwrap();
        let down = if k % 3 == 0 { "SELECT 1;\n".to_string() } else { format!("DROP TABLE t{k};\n") };
        std::fs::write(dir.join(format!("{k}_create_table_number_{k}.down.sql")), down).unwrap();
    }
    let o = verify(&[dir.to_str().unwrap(), "--format", "comment", "--data", "off"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let comment = stdout(&o);
    assert!(comment.len() <= migraplay::COMMENT_LIMIT, "{} characters", comment.len());
    assert!(comment.starts_with("## migraplay: FAIL\n\nFAIL: 333 of 1000 migrations failing (3, 6, 9 and 330 more)"), "{}", &comment[..200]);
    for k in (3..=1000).step_by(3) {
        let first = format!("- `{}/{k}_create_table_number_{k}.down.sql:1` {k} create table number {k}: down: table t{k} is still there", dir.display());
        assert!(comment.contains(&first), "migration {k}'s first finding is there");
    }
    assert!(comment.contains("more items did not fit in a comment. The full report: `migraplay verify --format md`"));
    assert!(!comment.contains("create-without-if-not-exists"), "style lint is left out");
    // The Markdown report of the same run is what would not fit.
    let full = stdout(&verify(&[dir.to_str().unwrap(), "--format", "md", "--data", "off"], &[]));
    assert!(full.len() > 65_536, "{}", full.len());
}

#[test]
fn the_comment_format_fits_however_many_files_cannot_be_loaded() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("1_a.sql"), "CREATE TABLE a(x);\n").unwrap();
    for k in 0..3000 {
        std::fs::write(tmp.path().join(format!("bad_name_{k}.sql")), "SELECT 1;\n").unwrap();
    }
    let o = verify(&[tmp.path().to_str().unwrap(), "--format", "comment"], &[]);
    let comment = stdout(&o);
    assert!(comment.len() <= migraplay::COMMENT_LIMIT, "{} characters", comment.len());
    assert!(comment.contains("- could not load bad_name_0.sql: not a migration name"), "{}", &comment[..600]);
    assert!(comment.contains("more items did not fit in a comment. The full report: `migraplay verify --format md`."));
}
