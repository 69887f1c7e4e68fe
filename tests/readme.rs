//! The README is a front door and docs/ holds the reference, so what links them must hold: every
//! link and image in README.md and docs/*.md resolves. A relative target must be a file or folder
//! of this repository, relative to the file that links it; a `#anchor` must be a heading of the
//! target Markdown file as GitHub slugs it. External http(s) links are not fetched (CI has no
//! business failing on someone else's site), only checked to be well formed. And the README stays
//! short enough to read: at most 320 lines.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use comrak::nodes::NodeValue;
use comrak::{parse_document, Arena, Options};

/// Past this the README is a manual again; its reference belongs in docs/.
const README_MAX_LINES: usize = 320;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every docs/*.md, in a stable order.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    docs.insert(0, root.join("README.md"));
    docs
}

/// Markdown as GitHub renders it: tables, strikethrough, footnotes, and bare URLs as links (so
/// they are checked too).
fn options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.footnotes = true;
    options.extension.autolink = true;
    options
}

/// A link or image target, with the line it is on.
struct Target {
    url: String,
    line: usize,
}

/// What one Markdown file links to, and the anchors its headings make.
struct Parsed {
    targets: Vec<Target>,
    anchors: HashSet<String>,
}

fn parse(text: &str) -> Parsed {
    let arena = Arena::new();
    let document = parse_document(&arena, text, &options());
    let mut targets = Vec::new();
    let mut headings = Vec::new();
    for node in document.descendants() {
        let data = node.data();
        match &data.value {
            NodeValue::Link(link) | NodeValue::Image(link) => {
                targets.push(Target { url: link.url.clone(), line: data.sourcepos.start.line })
            }
            NodeValue::Heading(_) => headings.push(node.collect_text()),
            _ => {}
        }
    }
    Parsed { targets, anchors: anchors(&headings) }
}

/// GitHub's anchor for a heading's text: lowercase; punctuation removed but `-` and `_`; each
/// space a `-`.
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a file's headings, in order: a repeated slug gets `-1`, `-2`, … as on GitHub.
fn anchors(headings: &[String]) -> HashSet<String> {
    let mut taken = HashSet::new();
    for heading in headings {
        let base = slug(heading);
        let mut anchor = base.clone();
        let mut n = 0;
        while taken.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        taken.insert(anchor);
    }
    taken
}

/// `a/./b/../c` as `a/c`, without touching the file system (a missing file is what we report).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `%20` and the like, as a browser reads a path.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Why an external URL is not well formed, if it is not.
fn malformed_external(url: &str) -> Option<&'static str> {
    if url.chars().any(char::is_whitespace) {
        return Some("has whitespace");
    }
    if let Some(address) = url.strip_prefix("mailto:") {
        return (!address.contains('@')).then_some("a mailto: without an address");
    }
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
    let name = host.split_once(':').map_or(host, |(name, _)| name);
    if name.is_empty() || name.starts_with(['.', '-']) || name.ends_with('-') {
        return Some("has no host");
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-')) {
        return Some("has a host that is not a host name");
    }
    if let Some((_, port)) = host.split_once(':') {
        if port.parse::<u16>().is_err() {
            return Some("has a port that is not a number");
        }
    }
    None
}

/// Every link or image target among `files` that does not resolve, as `file:line: target: why`.
fn broken_links(root: &Path, files: &[PathBuf]) -> Vec<String> {
    let root = normalize(root);
    let mut anchors_of: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut broken = Vec::new();
    for file in files {
        let file = normalize(file);
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let shown = file.strip_prefix(&root).unwrap_or(&file).display().to_string();
        let dir = file.parent().unwrap();
        for Target { url, line } in parse(&text).targets {
            let mut fail = |why: String| broken.push(format!("{shown}:{line}: {url}: {why}"));
            let lower = url.to_ascii_lowercase();
            if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:") {
                if let Some(why) = malformed_external(&url) {
                    fail(why.to_string());
                }
                continue;
            }
            if url.is_empty() {
                fail("an empty target".to_string());
                continue;
            }
            let (path, anchor) = match url.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (url.as_str(), None),
            };
            let path = path.split_once('?').map_or(path, |(path, _)| path);
            if path.split('/').next().is_some_and(|first| first.contains(':')) {
                fail("a scheme other than http(s) or mailto".to_string());
                continue;
            }
            if path.starts_with('/') {
                fail("an absolute path: write it relative to this file".to_string());
                continue;
            }
            let target = if path.is_empty() { file.clone() } else { normalize(&dir.join(percent_decode(path))) };
            if !target.starts_with(&root) {
                fail("outside the repository".to_string());
                continue;
            }
            if !target.exists() {
                fail(format!("no such file {}", target.strip_prefix(&root).unwrap().display()));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            if target.extension().is_some_and(|ext| ext == "md") {
                let anchors = anchors_of.entry(target.clone()).or_insert_with(|| {
                    parse(&std::fs::read_to_string(&target).unwrap_or_default()).anchors
                });
                if !anchors.contains(anchor) {
                    let mut known: Vec<_> = anchors.iter().map(String::as_str).collect();
                    known.sort();
                    fail(format!("no heading with that anchor (there are: {})", known.join(", ")));
                }
            } else if !is_line_anchor(anchor) {
                fail("an anchor into a file that is not Markdown (only #L<n> or #L<n>-L<m> work)".to_string());
            }
        }
    }
    broken
}

/// GitHub's line anchors in a source file: `L12` or `L12-L20`.
fn is_line_anchor(anchor: &str) -> bool {
    let line = |s: &str| s.strip_prefix('L').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    match anchor.split_once('-') {
        Some((a, b)) => line(a) && line(b),
        None => line(anchor),
    }
}

#[test]
fn every_link_in_the_readme_and_docs_resolves() {
    let root = root();
    let files = documents(&root);
    assert!(files.len() > 1, "docs/ has Markdown files");
    let broken = broken_links(&root, &files);
    assert!(broken.is_empty(), "{} broken link(s):\n{}", broken.len(), broken.join("\n"));
}

#[test]
fn the_readme_is_at_most_320_lines() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= README_MAX_LINES,
        "README.md has {lines} lines, over {README_MAX_LINES}: move reference material into docs/ and link it"
    );
}

#[test]
fn every_docs_file_starts_with_a_title_and_what_it_covers() {
    for file in documents(&root()).into_iter().skip(1) {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut lines = text.lines();
        let title = lines.next().unwrap_or("");
        assert!(title.starts_with("# "), "{} starts with a `# Title`, not {title:?}", file.display());
        assert_eq!(lines.next(), Some(""), "{}: a blank line after the title", file.display());
        let covers = lines.next().unwrap_or("");
        assert!(!covers.trim().is_empty(), "{}: a line saying what it covers", file.display());
    }
}

#[test]
fn slugs_are_githubs() {
    // Each as GitHub renders the heading's anchor.
    for (heading, anchor) in [
        ("CI recipes", "ci-recipes"),
        ("A reviewer's walk-through", "a-reviewers-walk-through"),
        (
            "Findings where the code is: --format github|sarif|junit",
            "findings-where-the-code-is---format-githubsarifjunit",
        ),
        ("Review against a base (\"Compare with…\")", "review-against-a-base-compare-with"),
        (
            "Size and cold start: what each lever did (2026-11-26, this machine)",
            "size-and-cold-start-what-each-lever-did-2026-11-26-this-machine",
        ),
        ("snake_case and Ünïcode", "snake_case-and-ünïcode"),
    ] {
        assert_eq!(slug(heading), anchor);
    }
    // The heading's text, code spans included, as the parser reads it.
    assert!(parse("## Findings where the code is: `--format github|sarif|junit`\n")
        .anchors
        .contains("findings-where-the-code-is---format-githubsarifjunit"));
    let repeated: Vec<String> = ["Notes", "Notes", "Notes"].map(String::from).into();
    assert_eq!(anchors(&repeated), HashSet::from(["notes".into(), "notes-1".into(), "notes-2".into()]));
}

#[test]
fn a_broken_link_anchor_or_image_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("docs")).unwrap();
    std::fs::write(
        root.join("README.md"),
        "# Project\n\n## Setup\n\n\
         [fine](docs/a.md) [fine](docs/a.md#the-thing) [fine](#setup) [fine](https://example.com/x?y#z)\n\
         [gone](docs/missing.md) [no anchor](docs/a.md#thing) [no heading](#install)\n\
         ![gone](pics/shot.png) [no host](https://) [a scheme](ftp://example.com) [out](../elsewhere.md)\n",
    )
    .unwrap();
    std::fs::write(
        root.join("docs/a.md"),
        "# A\n\nThe thing.\n\n## The thing\n\n[back](../README.md#setup) [wrong](README.md#setup) [dup](#the-thing-1)\n",
    )
    .unwrap();
    let broken = broken_links(root, &documents(root));
    let urls: Vec<&str> = broken.iter().map(|b| b.split(": ").next().unwrap()).collect();
    assert_eq!(
        urls,
        [
            "README.md:6",
            "README.md:6",
            "README.md:6",
            "README.md:7",
            "README.md:7",
            "README.md:7",
            "README.md:7",
            "docs/a.md:7",
            "docs/a.md:7",
        ],
        "{broken:#?}"
    );
    for expected in [
        "docs/missing.md: no such file docs/missing.md",
        "docs/a.md#thing: no heading with that anchor (there are: a, the-thing)",
        "#install: no heading",
        "pics/shot.png: no such file",
        "https://: has no host",
        "ftp://example.com: a scheme other than http(s) or mailto",
        "../elsewhere.md: outside the repository",
        "README.md#setup: no such file docs/README.md",
        "#the-thing-1: no heading",
    ] {
        assert!(broken.iter().any(|b| b.contains(expected)), "{expected:?} in {broken:#?}");
    }
}
