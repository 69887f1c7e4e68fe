//! The README's CI recipes, run: the Action (`action.yml`, as the README's workflow uses it), the
//! GitHub Actions workflow and the GitLab CI job step by step
//! in a scratch git repository (a base branch, and a pull request adding a migration) with the
//! environment each CI sets, and the pre-commit hook (`.pre-commit-hooks.yaml`) with pre-commit
//! from PyPI. Every block is parsed with PyYAML, so what the README shows is valid YAML.
//!
//! One step is substituted, and only one: `cargo install --git … migraplay` (the Action's `cargo
//! install --path`) would build from the network (for minutes); here the binary under test is put
//! on PATH instead (the pre-commit test does
//! build the hook with `cargo install`, as pre-commit does).
//!
//! pre-commit and PyYAML are installed by `make setup` into `.tools/pre-commit/`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's executables (`python`, `pre-commit`).
fn venv(exe: &str) -> PathBuf {
    let bin = root().join(".tools/pre-commit/bin").join(exe);
    assert!(bin.exists(), "{} is installed by `make setup` (PyPI, into .tools/pre-commit/)", bin.display());
    bin
}

/// The fenced block that follows `<!-- recipe: NAME -->` in the README.
fn recipe(name: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let marker = format!("<!-- recipe: {name} -->");
    let after = readme.split_once(&marker).unwrap_or_else(|| panic!("the README has no {marker}")).1;
    let mut lines = after.lines().skip_while(|l| l.trim().is_empty());
    assert_eq!(lines.next(), Some("```yaml"), "{marker} is followed by a ```yaml block");
    let mut block = String::new();
    for line in lines.by_ref() {
        if line == "```" {
            return block;
        }
        block.push_str(line);
        block.push('\n');
    }
    panic!("{marker}'s block is not closed");
}

/// YAML as PyYAML reads it (`safe_load`), as JSON.
fn yaml(text: &str) -> Value {
    let mut child = Command::new(venv("python"))
        .args(["-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "PyYAML cannot read it: {}\n{text}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// git with a fixed author and dates, and none of the machine's CI variables.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Recipes", "-c", "user.email=recipes@example.com", "-c", "init.defaultBranch=main"])
        .args(args)
        .env("GIT_AUTHOR_DATE", "2025-01-15T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2025-01-15T10:00:00Z")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// The base branch's set: one table.
const BASE: &[(&str, &str)] = &[
    ("migrations/1_create_books.up.sql", "CREATE TABLE IF NOT EXISTS books (id INTEGER PRIMARY KEY, title TEXT NOT NULL);\n"),
    ("migrations/1_create_books.down.sql", "DROP TABLE IF EXISTS books;\n"),
];

/// A pull request that adds a sound migration.
const GOOD_PR: &[(&str, &str)] = &[
    ("migrations/2_index_title.up.sql", "CREATE INDEX IF NOT EXISTS idx_books_title ON books (title);\n"),
    ("migrations/2_index_title.down.sql", "DROP INDEX IF EXISTS idx_books_title;\n"),
];

/// A pull request whose down leaves its index behind (the name is misspelt; IF EXISTS hides it).
const BAD_PR: &[(&str, &str)] = &[
    ("migrations/2_index_title.up.sql", "CREATE INDEX IF NOT EXISTS idx_books_title ON books (title);\n"),
    ("migrations/2_index_title.down.sql", "DROP INDEX IF EXISTS idx_book_title;\n"),
];

/// The annotation BAD_PR gets: on its down's first line, naming the up's line.
const BAD_PR_ERROR: &str = "::error file=migrations/2_index_title.down.sql,line=1,title=2 down leaves index idx_books_title::2 index title: down: index idx_books_title is still there (created by 2 index title, 2_index_title.up.sql line 1); nothing in 2_index_title.down.sql touches index idx_books_title";

/// A remote (`origin`) with `main` holding BASE and `feature` adding `pr`, in `dir`.
fn origin(dir: &Path, pr: &[(&str, &str)]) -> PathBuf {
    origin_with(dir, BASE, pr)
}

/// A remote (`origin`) with `main` holding `base` and `feature` adding `pr`, in `dir`.
fn origin_with(dir: &Path, base: &[(&str, &str)], pr: &[(&str, &str)]) -> PathBuf {
    let origin = dir.join("origin.git");
    let author = dir.join("author");
    std::fs::create_dir_all(&author).unwrap();
    git(dir, &["init", "-q", "--bare", "origin.git"]);
    git(&author, &["init", "-q"]);
    write(&author, base);
    write(&author, &[("README.md", "a project with migrations\n")]);
    git(&author, &["add", "."]);
    git(&author, &["commit", "-q", "-m", "base"]);
    git(&author, &["checkout", "-q", "-b", "feature"]);
    write(&author, pr);
    git(&author, &["add", "."]);
    git(&author, &["commit", "-q", "-m", "a migration"]);
    git(&author, &["push", "-q", origin.to_str().unwrap(), "main", "feature"]);
    origin
}

/// A folder holding only `migraplay`, the binary under test, to put first on PATH.
fn bin_dir(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_migraplay"), bin.join("migraplay")).unwrap();
    bin
}

/// bash with only what a CI runner would set: PATH (the binary under test first), HOME, and `env`.
fn shell(dir: &Path, bin: &Path, flags: &[&str], script: &str, env: &BTreeMap<String, String>) -> Output {
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    Command::new("bash")
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", std::env::var("HOME").unwrap())
        .envs(env)
        .args(["--noprofile", "--norc"])
        .args(flags)
        .args(["-c", script])
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A string map from a YAML mapping (`env:`, `variables:`).
fn strings(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().expect("a string value").to_owned())).collect())
        .unwrap_or_default()
}

/// The install line both recipes have; the one step the tests substitute.
const INSTALL: &str = "cargo install --locked --git \"$MIGRAPLAY_GIT\" migraplay";

/// One step of a GitHub Actions run: its name, and its exit code and output when it ran a command.
#[derive(Debug)]
struct Step {
    name: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// A GitHub Actions run of the README's workflow on a pull request from `feature` into `main`:
/// each `run:` in `bash -e` (GitHub's default shell on Linux) with the variables the runner sets,
/// stopping at the first failing step as the runner does. Returns the steps, the job summary and
/// the checkout.
fn github_run(dir: &Path, pr: &[(&str, &str)]) -> (Vec<Step>, String, PathBuf) {
    let workflow = yaml(&recipe("github-actions"));
    // PyYAML reads YAML 1.1, where a bare `on` is the boolean true; GitHub reads the key `on`.
    assert_eq!(workflow["true"]["pull_request"]["paths"], serde_json::json!(["migrations/**"]));
    let job = &workflow["jobs"]["review"];
    let origin = origin(dir, pr);
    let ws = dir.join("workspace");
    let temp = dir.join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();
    let summary = temp.join("step-summary.md");
    std::fs::write(&summary, "").unwrap();
    let bin = bin_dir(dir);
    let mut env = strings(&workflow["env"]);
    for (k, v) in [
        ("CI", "true"),
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_BASE_REF", "main"),
        ("GITHUB_HEAD_REF", "feature"),
        ("GITHUB_WORKSPACE", ws.to_str().unwrap()),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_TEMP", temp.to_str().unwrap()),
    ] {
        env.insert(k.into(), v.into());
    }
    let mut steps = Vec::new();
    for step in job["steps"].as_array().expect("steps") {
        assert!(step.get("if").is_none(), "a step with `if:` needs this runner to read it: {step}");
        env.extend(strings(&step["env"]));
        let name = step["name"].as_str().or(step["uses"].as_str()).or(step["run"].as_str()).unwrap().to_owned();
        let mut done = Step { name, code: None, stdout: String::new(), stderr: String::new() };
        if let Some(uses) = step["uses"].as_str() {
            let action = uses.split('@').next().unwrap();
            match action {
                // A clone with every branch, the pull request's head checked out.
                "actions/checkout" => {
                    assert_eq!(step["with"]["fetch-depth"], 0, "the base branch must be fetched too");
                    git(dir, &["clone", "-q", origin.to_str().unwrap(), "workspace"]);
                    git(&ws, &["checkout", "-q", "--detach", "origin/feature"]);
                }
                // This machine has Rust; the install step is substituted anyway.
                "dtolnay/rust-toolchain" => {}
                // What the upload would send must be SARIF 2.1.0 (tests/formats.rs validates it
                // against the schema).
                "github/codeql-action/upload-sarif" => {
                    let file = ws.join(step["with"]["sarif_file"].as_str().unwrap());
                    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
                    assert_eq!(sarif["version"], "2.1.0");
                    done.stdout = sarif.to_string();
                }
                other => panic!("the test does not know the action {other}"),
            }
            steps.push(done);
            continue;
        }
        let run = step["run"].as_str().expect("a step uses an action or runs a command");
        if run.contains("cargo install") {
            // Substituted: the binary under test is first on PATH.
            assert_eq!(run.trim(), INSTALL);
            steps.push(done);
            continue;
        }
        let out = shell(&ws, &bin, &["-e"], run, &env);
        done.code = out.status.code();
        done.stdout = text(&out.stdout);
        done.stderr = text(&out.stderr);
        let failed = done.code != Some(0);
        steps.push(done);
        if failed {
            break;
        }
    }
    let summary = std::fs::read_to_string(&summary).unwrap();
    (steps, summary, ws)
}

fn names(steps: &[Step]) -> Vec<&str> {
    steps.iter().map(|s| s.name.as_str()).collect()
}

const GITHUB_STEPS: [&str; 7] = [
    "actions/checkout@v4",
    "dtolnay/rust-toolchain@stable",
    "Install migraplay",
    "Check out the base branch beside the pull request",
    "SARIF for code scanning (optional)",
    "Upload SARIF (optional)",
    "Review the migrations",
];

#[test]
fn the_github_workflow_passes_a_pull_request_that_adds_a_sound_migration() {
    let dir = tempfile::tempdir().unwrap();
    let (steps, summary, _) = github_run(dir.path(), GOOD_PR);
    assert_eq!(names(&steps), GITHUB_STEPS, "{steps:#?}");
    for step in &steps {
        assert!(matches!(step.code, None | Some(0)), "{step:#?}");
    }
    let review = steps.last().unwrap();
    assert!(!review.stdout.contains("::error") && !review.stdout.contains("::warning"), "{review:#?}");
    assert!(summary.starts_with("## migraplay: PASS\n\nPASS: nothing to worry about.\n"), "{summary}");
    assert!(summary.contains("<details><summary>1 migration added</summary>\n\n2 index title\n"), "{summary}");
}

#[test]
fn the_github_workflow_fails_a_down_that_leaves_an_index_with_an_annotation_on_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let (steps, summary, ws) = github_run(dir.path(), BAD_PR);
    assert_eq!(names(&steps), GITHUB_STEPS, "{steps:#?}");
    let (review, before) = steps.split_last().unwrap();
    for step in before {
        assert!(matches!(step.code, None | Some(0)), "{step:#?}");
    }
    assert_eq!(review.code, Some(1), "{review:#?}");
    let errors: Vec<&str> = review.stdout.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(
        errors,
        [BAD_PR_ERROR],
        "{review:#?}"
    );
    assert!(summary.contains("\n- `migrations/2_index_title.down.sql:1` 2 index title: down: index idx_books_title is still there (created by 2 index title, 2_index_title.up.sql line 1); nothing in 2_index_title.down.sql touches index idx_books_title\n"), "{summary}");
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(ws.join("migraplay.sarif")).unwrap()).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, ["migrations/2_index_title.down.sql"], "{sarif:#}");
}

/// A GitLab merge request pipeline of the README's job, with the runner's shallow clone (depth
/// 20) of the source branch: the script's lines in one `bash -eo pipefail`, as GitLab's runner
/// runs them. Returns the output and the JUnit artifact.
fn gitlab_run(dir: &Path, pr: &[(&str, &str)]) -> (Output, Option<String>) {
    let ci = yaml(&recipe("gitlab-ci"));
    let job = &ci["migrations"];
    assert_eq!(job["rules"][0]["if"], "$CI_PIPELINE_SOURCE == \"merge_request_event\"");
    let origin = origin(dir, pr);
    let url = format!("file://{}", origin.display());
    git(dir, &["clone", "-q", "--depth", "20", "--branch", "feature", &url, "project"]);
    let project = dir.join("project");
    let bin = bin_dir(dir);
    let mut env = strings(&job["variables"]);
    for (k, v) in [
        ("CI", "true"),
        ("GITLAB_CI", "true"),
        ("CI_PIPELINE_SOURCE", "merge_request_event"),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
        ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "feature"),
        ("CI_PROJECT_DIR", project.to_str().unwrap()),
    ] {
        env.insert(k.into(), v.into());
    }
    let lines: Vec<&str> = job["script"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    // Substituted: the binary under test is first on PATH.
    assert_eq!(lines[0], INSTALL);
    let out = shell(&project, &bin, &["-eo", "pipefail"], &lines[1..].join("\n"), &env);
    assert_eq!(job["artifacts"]["when"], "always");
    let junit = project.join(job["artifacts"]["reports"]["junit"].as_str().unwrap());
    (out, std::fs::read_to_string(junit).ok())
}

#[test]
fn the_gitlab_job_passes_a_merge_request_that_adds_a_sound_migration() {
    let dir = tempfile::tempdir().unwrap();
    let (out, junit) = gitlab_run(dir.path(), GOOD_PR);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("- **Verdict**: PASS: nothing to worry about.\n"), "{}", text(&out.stdout));
    let junit = junit.expect("the JUnit report is written");
    assert!(junit.contains("failures=\"0\""), "{junit}");
    assert!(junit.contains("<testcase name=\"2 index title: down\""), "{junit}");
}

#[test]
fn the_gitlab_job_fails_a_down_that_leaves_an_index_and_reports_it_in_junit() {
    let dir = tempfile::tempdir().unwrap();
    let (out, junit) = gitlab_run(dir.path(), BAD_PR);
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    // The first review prints and lets the job go on; the JUnit one fails it.
    assert!(text(&out.stdout).contains("`2 index title`: FAIL: `down: index idx_books_title is still there"), "{}", text(&out.stdout));
    let junit = junit.expect("the JUnit report is written even when the job fails");
    assert!(junit.contains("<testcase name=\"2 index title: down\" classname=\"migrations/2_index_title.down.sql\""), "{junit}");
    assert!(junit.contains("down: index idx_books_title is still there (created by 2 index title, 2_index_title.up.sql line 1); nothing in 2_index_title.down.sql touches index idx_books_title</failure>"), "{junit}");
}

/// This repository as a clone of it would be (tracked and new files, not ignored ones), committed
/// in `target/recipes/hook-repo` with fixed dates, so the same tree gives the same commit.
fn hook_repo() -> (PathBuf, String) {
    let repo = root().join("target/recipes/hook-repo");
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&repo).unwrap();
    let listed = git(&root(), &["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
    for name in listed.split('\0').filter(|n| !n.is_empty()) {
        let from = root().join(name);
        if from.is_file() {
            let to = repo.join(name);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&from, &to).unwrap();
        }
    }
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "migraplay as a hook repository"]);
    let rev = git(&repo, &["rev-parse", "HEAD"]);
    (repo, rev)
}

fn pre_commit(project: &Path, args: &[&str], home: &Path) -> Output {
    Command::new(venv("pre-commit"))
        .current_dir(project)
        .args(args)
        .env("PRE_COMMIT_HOME", home)
        .env("PRE_COMMIT_COLOR", "never")
        // Where `cargo install` builds: kept between runs, so a changed tree rebuilds only
        // migraplay itself. The binary pre-commit installs is the same.
        .env("CARGO_TARGET_DIR", root().join("target/recipes/cargo-install"))
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap()
}

fn commit_with_hook(project: &Path, message: &str) -> Output {
    Command::new("git")
        .current_dir(project)
        .args(["-c", "user.name=Recipes", "-c", "user.email=recipes@example.com", "commit", "-q", "-m", message])
        .env("PRE_COMMIT_COLOR", "never")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap()
}

#[test]
fn the_pre_commit_hook_passes_a_sound_folder_and_stops_a_commit_whose_down_leaves_an_index() {
    let (repo, rev) = hook_repo();
    // pre-commit's store, kept between runs of the same tree (the hook's build is reused) and
    // emptied when the tree changed (so it does not grow).
    let home = root().join("target/recipes/pre-commit-home");
    let stamp = root().join("target/recipes/pre-commit-home.rev");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(rev.as_str()) {
        let _ = std::fs::remove_dir_all(&home);
        std::fs::write(&stamp, &rev).unwrap();
    }

    let dir = tempfile::tempdir().unwrap();
    let project = dir.path();
    git(project, &["init", "-q"]);
    write(project, BASE);
    // The README's config, pointed at this tree.
    let mut config = yaml(&recipe("pre-commit"));
    config["repos"][0]["repo"] = Value::String(repo.to_str().unwrap().into());
    config["repos"][0]["rev"] = Value::String(rev);
    // JSON is YAML.
    std::fs::write(project.join(".pre-commit-config.yaml"), config.to_string()).unwrap();
    git(project, &["add", "."]);

    let out = pre_commit(project, &["run", "--all-files"], &home);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).lines().any(|l| l.starts_with("migraplay verify...") && l.ends_with("Passed")), "{}", text(&out.stdout));

    let install = pre_commit(project, &["install"], &home);
    assert_eq!(install.status.code(), Some(0), "{}", text(&install.stderr));
    let first = commit_with_hook(project, "base");
    assert_eq!(first.status.code(), Some(0), "{}{}", text(&first.stdout), text(&first.stderr));

    // No SQL staged: the hook is skipped.
    write(project, &[("README.md", "notes\n")]);
    git(project, &["add", "."]);
    let notes = commit_with_hook(project, "notes");
    assert_eq!(notes.status.code(), Some(0), "{}", text(&notes.stderr));
    // git hands a hook's output to stderr.
    assert!(text(&notes.stderr).contains("(no files to check)Skipped"), "{}", text(&notes.stderr));

    write(project, BAD_PR);
    git(project, &["add", "."]);
    let head = git(project, &["rev-parse", "HEAD"]);
    let bad = commit_with_hook(project, "index on title");
    assert_eq!(bad.status.code(), Some(1), "{}{}", text(&bad.stdout), text(&bad.stderr));
    let said = text(&bad.stderr);
    assert!(said.contains("- hook id: migraplay-verify\n- exit code: 1\n"), "{said}");
    assert!(said.contains("\nFAIL 2 index title: down: index idx_books_title is still there (created by 2 index title, 2_index_title.up.sql line 1); nothing in 2_index_title.down.sql touches index idx_books_title\n"), "{said}");
    assert_eq!(git(project, &["rev-parse", "HEAD"]), head, "the commit was stopped");
}

/// `${{ … }}` as GitHub evaluates the expressions action.yml uses: `inputs.NAME` and `github.NAME`,
/// joined by `||` (the first that is not empty). Anything else fails the test, so an expression
/// the Action starts to use is evaluated here first.
fn expression(text: &str, inputs: &BTreeMap<String, String>, github: &BTreeMap<&str, &str>) -> String {
    let (mut out, mut rest) = (String::new(), text);
    while let Some(i) = rest.find("${{") {
        out.push_str(&rest[..i]);
        let end = i + rest[i..].find("}}").expect("a closed expression");
        let value = rest[i + 3..end]
            .split("||")
            .map(|term| {
                let term = term.trim();
                if let Some(name) = term.strip_prefix("inputs.") {
                    inputs.get(name).cloned().unwrap_or_else(|| panic!("the Action has no input {name}"))
                } else if let Some(name) = term.strip_prefix("github.") {
                    github.get(name).map(|v| v.to_string()).unwrap_or_else(|| panic!("github.{name} is not set by this runner"))
                } else {
                    panic!("the test does not evaluate {term}")
                }
            })
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        out.push_str(&value);
        rest = &rest[end + 2..];
    }
    out + rest
}

/// A pull-request run of the README's one-step workflow: actions/checkout as it checks out a
/// pull request (depth 1, the head only), then this repository's `action.yml` step by step, as
/// GitHub runs a composite action: `bash --noprofile --norc -eo pipefail` for each `run`, inputs
/// from `with:` (then `with`, the test's) over their defaults, `$GITHUB_PATH` read after each step.
/// Returns the steps, the job summary and the checkout.
fn action_run(dir: &Path, base: &[(&str, &str)], pr: &[(&str, &str)], with: &[(&str, &str)]) -> (Vec<Step>, String) {
    let workflow = yaml(&recipe("github-action"));
    assert_eq!(workflow["true"]["pull_request"]["paths"], serde_json::json!(["migrations/**"]));
    let action = yaml(&std::fs::read_to_string(root().join("action.yml")).unwrap());
    assert_eq!(action["runs"]["using"], "composite");
    let origin = origin_with(dir, base, pr);
    let ws = dir.join("workspace");
    let temp = dir.join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();
    let (summary, path_file) = (temp.join("step-summary.md"), temp.join("github-path"));
    std::fs::write(&summary, "").unwrap();
    std::fs::write(&path_file, "").unwrap();
    let bin = bin_dir(dir);
    let runner: BTreeMap<String, String> = [
        ("CI", "true"),
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_BASE_REF", "main"),
        ("GITHUB_HEAD_REF", "feature"),
        ("GITHUB_WORKSPACE", ws.to_str().unwrap()),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ("GITHUB_PATH", path_file.to_str().unwrap()),
        ("GITHUB_ACTION_PATH", root().to_str().unwrap()),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_TEMP", temp.to_str().unwrap()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let github: BTreeMap<&str, &str> = [("base_ref", "main"), ("head_ref", "feature"), ("event_name", "pull_request")].into();
    let mut steps = Vec::new();
    for step in workflow["jobs"]["review"]["steps"].as_array().expect("steps") {
        let uses = step["uses"].as_str().expect("the workflow only uses actions");
        let name = uses.to_owned();
        if uses.starts_with("actions/checkout@") {
            // As actions/checkout does for a pull request: one commit deep, the head detached.
            let url = format!("file://{}", origin.display());
            git(dir, &["clone", "-q", "--depth=1", "--branch", "feature", &url, "workspace"]);
            git(&ws, &["checkout", "-q", "--detach"]);
            steps.push(Step { name, code: Some(0), stdout: String::new(), stderr: String::new() });
            continue;
        }
        assert!(uses.starts_with("OWNER/migraplay@"), "the workflow uses this repository's Action: {uses}");
        let mut inputs: BTreeMap<String, String> = action["inputs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v["default"].as_str().unwrap_or("").to_owned()))
            .collect();
        inputs.extend(strings(&step["with"]));
        inputs.extend(with.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        for inner in action["runs"]["steps"].as_array().unwrap() {
            assert_eq!(inner["shell"], "bash", "{inner}");
            let name = inner["name"].as_str().unwrap().to_owned();
            let run = inner["run"].as_str().expect("every step runs a command");
            if run.contains("cargo install") {
                // Substituted: the install's own last act, the folder of the binary on $GITHUB_PATH.
                assert!(run.starts_with("cargo install --locked --quiet --path \"$GITHUB_ACTION_PATH\""), "{run}");
                assert!(run.ends_with("echo \"$RUNNER_TEMP/migraplay/bin\" >> \"$GITHUB_PATH\""), "{run}");
                std::fs::write(&path_file, format!("{}\n", bin.display())).unwrap();
                steps.push(Step { name, code: None, stdout: String::new(), stderr: String::new() });
                continue;
            }
            let mut env = runner.clone();
            for (k, v) in strings(&inner["env"]) {
                env.insert(k, expression(&v, &inputs, &github));
            }
            // What earlier steps added to $GITHUB_PATH comes first, the last added first of all.
            let added: Vec<String> = std::fs::read_to_string(&path_file).unwrap().lines().rev().map(str::to_owned).collect();
            let path = added.into_iter().chain(["/usr/local/bin".into(), "/usr/bin".into(), "/bin".into()]).collect::<Vec<_>>().join(":");
            let out = Command::new("bash")
                .current_dir(&ws)
                .env_clear()
                .env("PATH", path)
                .env("HOME", std::env::var("HOME").unwrap())
                .envs(&env)
                .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &expression(run, &inputs, &github)])
                .output()
                .unwrap();
            let failed = !out.status.success();
            steps.push(Step { name, code: out.status.code(), stdout: text(&out.stdout), stderr: text(&out.stderr) });
            if failed {
                break;
            }
        }
    }
    (steps, std::fs::read_to_string(&summary).unwrap())
}

const ACTION_STEPS: [&str; 4] = ["actions/checkout@v4", "Install migraplay", "Check out the base beside the pull request", "Review the migrations"];

#[test]
fn the_action_passes_a_pull_request_that_adds_a_sound_migration() {
    let dir = tempfile::tempdir().unwrap();
    let (steps, summary) = action_run(dir.path(), BASE, GOOD_PR, &[]);
    assert_eq!(names(&steps), ACTION_STEPS, "{steps:#?}");
    assert!(steps.iter().all(|s| matches!(s.code, None | Some(0))), "{steps:#?}");
    assert_eq!(steps[3].stdout.lines().last(), Some("PASS: nothing to worry about."), "{steps:#?}");
    assert!(summary.starts_with("## migraplay: PASS\n\nPASS: nothing to worry about.\n\n- **Flavor**: sqlx ("), "{summary}");
}

#[test]
fn the_action_fails_a_down_that_leaves_an_index_with_an_annotation_on_the_down_and_the_comment_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (steps, summary) = action_run(dir.path(), BASE, BAD_PR, &[]);
    assert_eq!(names(&steps), ACTION_STEPS, "{steps:#?}");
    let review = &steps[3];
    assert_eq!(review.code, Some(1), "{review:#?}");
    let errors: Vec<&str> = review.stdout.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(
        errors,
        [BAD_PR_ERROR],
        "{review:#?}"
    );
    assert!(summary.starts_with("## migraplay: FAIL\n\nFAIL: 1 migration failing verify (2).\n"), "{summary}");
    assert!(summary.contains("\n### Failing (1 of this pull request's 1 migration)\n\n- `migrations/2_index_title.down.sql:1` 2 index title: down:"), "{summary}");
}

#[test]
fn the_action_reads_its_folder_and_flavor_inputs() {
    let moved = |files: &[(&'static str, &'static str)]| -> Vec<(String, &'static str)> {
        files.iter().map(|(n, t)| (format!("db/{n}"), *t)).collect()
    };
    let (base, pr) = (moved(BASE), moved(GOOD_PR));
    let base: Vec<(&str, &str)> = base.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let pr: Vec<(&str, &str)> = pr.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let dir = tempfile::tempdir().unwrap();
    let (steps, summary) = action_run(dir.path(), &base, &pr, &[("migrations", "db/migrations"), ("flavor", "golang-migrate")]);
    assert!(steps.iter().all(|s| matches!(s.code, None | Some(0))), "{steps:#?}");
    assert!(summary.contains("\n- **Flavor**: golang-migrate (asked for)\n"), "{summary}");
    // A flavor the files do not fit is the tool's error, and the step fails with exit 2.
    let dir = tempfile::tempdir().unwrap();
    let (steps, _) = action_run(dir.path(), &base, &pr, &[("migrations", "db/migrations"), ("flavor", "goose")]);
    let review = steps.last().unwrap();
    assert_eq!(review.code, Some(2), "{review:#?}");
    assert!(review.stdout.contains("::error title=cannot load the set::the base set cannot be loaded: "), "{review:#?}");
}

#[test]
fn the_action_verifies_the_head_alone_on_the_pull_request_that_creates_the_folder() {
    let mut pr = BASE.to_vec();
    pr.extend_from_slice(BAD_PR);
    let dir = tempfile::tempdir().unwrap();
    let (steps, summary) = action_run(dir.path(), &[], &pr, &[]);
    let review = steps.last().unwrap();
    assert_eq!(review.name, "Review the migrations");
    assert_eq!(review.code, Some(1), "{review:#?}");
    assert!(review.stdout.starts_with("The base has no migrations folder yet: verifying the pull request's set on its own.\n"), "{review:#?}");
    assert!(review.stdout.contains("::error file=migrations/2_index_title.down.sql,line=1,"), "{review:#?}");
    assert!(summary.starts_with("## migraplay: FAIL\n\nFAIL: 1 of 2 migrations failing (2), 1 passing.\n"), "{summary}");
}
