//! Sets not laid out as a flat folder of `<version>_<name>` files: diesel's and
//! Prisma's folder per migration, refinery's `V<n>__<name>.sql`. Which layout a
//! set's paths follow, and its migrations read as that tool reads them (the
//! rules, with their sources, are in `flavor.rs`).

use std::collections::BTreeMap;

use crate::error::Error;
use crate::flavor::{self, Flavor, RefineryRefuses, Transaction};
use crate::migration::{Migration, Script};

/// The parts of a path, `/` or `\` apart.
fn parts(path: &str) -> Vec<&str> {
    path.split(['/', '\\']).filter(|p| !p.is_empty()).collect()
}

/// `(folder, file)` when the path has a folder above its file.
fn in_folder(path: &str) -> Option<(&str, &str)> {
    let p = parts(path);
    (p.len() >= 2).then(|| (p[p.len() - 2], p[p.len() - 1]))
}

/// The last part of a path.
fn file_name(path: &str) -> &str {
    parts(path).last().copied().unwrap_or(path)
}

/// The first three of `items`, then `…` when there are more: `a, b, c, …`.
pub(crate) fn first_three<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut items = items.into_iter();
    let shown: Vec<&str> = items.by_ref().take(3).collect();
    format!("{}{}", shown.join(", "), if items.next().is_some() { ", …" } else { "" })
}

/// The layout the paths follow, when it is one of this module's, and why: the
/// one most files fit, if more fit it than fit the flat `<version>_<name>` names.
pub(crate) fn detect(paths: &[&str]) -> Option<(Flavor, String)> {
    let folders = |file: &str| {
        let mut names: Vec<&str> = paths.iter().filter_map(|p| in_folder(p)).filter(|(_, f)| *f == file).map(|(d, _)| d).collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    };
    let (diesel, prisma) = (folders("up.sql"), folders("migration.sql"));
    // Named as refinery names migrations, whether or not refinery would take the version.
    let refinery = paths.iter().filter(|p| matches!(flavor::refinery_name(file_name(p)), Some(Ok(_)) | Some(Err(RefineryRefuses::Version)))).count();
    let flat = paths
        .iter()
        .filter(|p| in_folder(p).is_none_or(|(_, f)| !in_a_folder(f)))
        .filter(|p| matches!(crate::migration::parse_file_name(file_name(p)), Some(Ok(_))))
        .count();
    let count = |n: usize, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
    let best = [
        (diesel, Flavor::Diesel, count(diesel, "folder with up.sql, as diesel lays out a migration", "folders with up.sql, as diesel lays out migrations")),
        (prisma, Flavor::Prisma, count(prisma, "folder with migration.sql, as Prisma lays out a migration", "folders with migration.sql, as Prisma lays out migrations")),
        (refinery, Flavor::Refinery, count(refinery, "file named V<n>__<name>.sql, as refinery names a migration", "files named V<n>__<name>.sql, as refinery names migrations")),
    ]
    .into_iter()
    .max_by_key(|(n, ..)| *n)?;
    (best.0 > 0 && best.0 > flat).then_some((best.1, best.2))
}

/// Whether a file of this name belongs to a folder per migration (diesel, Prisma).
pub(crate) fn in_a_folder(file: &str) -> bool {
    matches!(file, "up.sql" | "down.sql" | "migration.sql" | "metadata.toml")
}

/// Whether a path is one a layout of this module reads (besides `.sql` files):
/// diesel's `metadata.toml`, and an Atlas directory's `atlas.sum`.
pub fn reads(path: &str) -> bool {
    matches!(file_name(path), "metadata.toml" | "atlas.sum")
}

/// What an `atlas.sum` says against the folder it is in, when they differ: the
/// line of the sum (1-based) and Atlas's words for it (`2_b.sql was added`).
/// Atlas (ariga/atlas@a5e0aec, sql/migrate/dir.go:145-151, 662-728): the
/// top-level `*.sql` files, by byte order; each hashed as the running SHA-256 of
/// every name and content so far (a file whose first line says `atlas:sum
/// ignore` gives its name only, and no line), base64; the first line, `h1:` and
/// the SHA-256 of each name and hash.
pub(crate) fn atlas_mismatch(files: &[(String, Vec<u8>)]) -> Option<(usize, String)> {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let folder = |p: &str| p.rsplit_once(['/', '\\']).map_or("", |(d, _)| d).to_string();
    let (sum_path, sum) = files.iter().find(|(p, _)| file_name(p) == "atlas.sum")?;
    let here = folder(sum_path);
    let mut sql: Vec<(&str, &[u8])> =
        files.iter().filter(|(p, _)| folder(p) == here && p.ends_with(".sql")).map(|(p, b)| (file_name(p), b.as_slice())).collect();
    sql.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let b64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    let mut running = Sha256::new();
    let mut computed: Vec<(String, String)> = Vec::new();
    for (name, bytes) in sql {
        running.update(name.as_bytes());
        let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        let ignored = std::str::from_utf8(first).ok().and_then(|l| l.split_once("atlas:sum")).is_some_and(|(before, after)| {
            before.bytes().all(|b| (b' '..=b'~').contains(&b)) && after.starts_with(' ') && after.trim_start_matches(' ') == "ignore"
        });
        if ignored {
            continue;
        }
        running.update(bytes);
        computed.push((name.to_string(), b64(&running.clone().finalize())));
    }
    let text = String::from_utf8_lossy(sum);
    let mut lines = text.lines();
    let total = lines.next().and_then(|l| l.strip_prefix("h1:")).unwrap_or_default().to_string();
    let listed: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once("h1:").map(|(n, h)| (n.trim().to_string(), h.trim().to_string())))
        .collect();
    let mut whole = Sha256::new();
    for (n, h) in &computed {
        whole.update(n.as_bytes());
        whole.update(h.as_bytes());
    }
    if b64(&whole.finalize()) == total && listed == computed {
        return None;
    }
    for i in 0..computed.len().max(listed.len()) {
        let said = match (computed.get(i), listed.get(i)) {
            (Some(c), Some(l)) if c == l => continue,
            (Some(c), Some(l)) if c.0 == l.0 => format!("{} was edited", c.0),
            (Some(c), Some(l)) if listed.iter().any(|x| x.0 == c.0) => format!("{} was removed", l.0),
            (Some(c), _) => format!("{} was added", c.0),
            (None, Some(l)) => format!("{} was removed", l.0),
            (None, None) => break,
        };
        return Some((i + 2, said));
    }
    Some((1, "its first line (the sum of the sums) does not match".to_string()))
}

/// A migration as found: its tool's key, its folder's name, its up and down, its
/// metadata.toml, and its folder's whole path.
type Found = (String, String, Script, Option<Script>, Option<String>, String);

/// A migration's files, gathered from its folder.
#[derive(Default)]
struct Folder {
    up: Option<Script>,
    down: Option<Script>,
    metadata: Option<String>,
    /// Any other file of the folder was read.
    other: bool,
}

/// The number each migration is shown and ordered by, from the keys its tool
/// orders them by (as text, byte by byte): the key's leading number when every
/// key has one and their order as numbers is the tool's; else, when every key
/// is digits, each padded with zeros on the right to the longest (diesel 2.3's
/// `…-0000` names among older ones: `20240301000000` and `202402011200000000`
/// become `202403010000000000` and `202402011200000000`, in text order); else
/// 1, 2, 3… in the tool's order. The note says which, when not the first.
fn numbers(keys: &[String]) -> (Vec<i64>, Option<String>) {
    let increasing = |n: &[i64]| n.windows(2).all(|w| w[0] < w[1]) && n.first().is_none_or(|&v| v > 0);
    let leading = |k: &str| -> Option<i64> { k.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok() };
    if let Some(n) = keys.iter().map(|k| leading(k)).collect::<Option<Vec<i64>>>().filter(|n| increasing(n)) {
        return (n, None);
    }
    let width = keys.iter().map(String::len).max().unwrap_or(0);
    let padded: Option<Vec<i64>> = keys
        .iter()
        .map(|k| (!k.is_empty() && k.bytes().all(|b| b.is_ascii_digit())).then(|| format!("{k:0<width$}").parse().ok()).flatten())
        .collect();
    if let Some(n) = padded.filter(|n| increasing(n)) {
        let note = format!("its tool orders the versions as text, so they are shown padded with zeros to {width} digits, in that order");
        return (n, Some(note));
    }
    let note = format!(
        "its tool orders the versions as text ({}), which no number keeps, so they are numbered 1 to {} in that order",
        first_three(keys.iter().map(String::as_str)),
        keys.len()
    );
    ((1..=keys.len() as i64).collect(), Some(note))
}

/// The migrations of a set in `flavor`'s layout (diesel, Prisma or refinery),
/// from its files (path, text), and the problems of the files that cannot be
/// used; a note when the versions are renumbered (see `numbers`).
/// `refused`: the paths of files that could not be read (too large, not UTF-8).
pub(crate) fn read(flavor: Flavor, files: Vec<(String, String)>, refused: &[String]) -> (Vec<Migration>, Vec<Error>, Option<String>) {
    match flavor {
        Flavor::Refinery => refinery(files),
        _ => folders(flavor, files, refused),
    }
}

/// diesel's and Prisma's sets: a folder per migration.
fn folders(flavor: Flavor, files: Vec<(String, String)>, refused: &[String]) -> (Vec<Migration>, Vec<Error>, Option<String>) {
    // By the folder's whole path: two folders of one name in two places are two folders.
    let mut by_folder: BTreeMap<String, Folder> = BTreeMap::new();
    let mut errors = Vec::new();
    let parent = |path: &str| -> Option<String> {
        let p = parts(path);
        (p.len() >= 2).then(|| p[..p.len() - 1].join("/"))
    };
    for (path, text) in files {
        let (Some(dir), Some((folder, file))) = (parent(&path), in_folder(&path)) else { continue };
        // diesel skips names starting with `.` (migrations_internals/src/lib.rs:75-95).
        if folder.starts_with('.') {
            continue;
        }
        let name = format!("{folder}/{file}");
        let entry = by_folder.entry(dir).or_default();
        match (flavor, file) {
            (Flavor::Diesel, "up.sql") | (Flavor::Prisma, "migration.sql") => entry.up = Some(Script::plain(name, text)),
            (Flavor::Diesel, "down.sql") => entry.down = Some(Script::plain(name, text)),
            (Flavor::Diesel, "metadata.toml") => entry.metadata = Some(text),
            _ => entry.other = true,
        }
    }
    // Ordered as the tool orders them: diesel by version string, Prisma by folder name.
    let mut found: Vec<Found> = Vec::new();
    for (dir, f) in by_folder {
        let folder = parts(&dir).last().copied().unwrap_or_default().to_string();
        let Some(up) = f.up else {
            // A folder whose up file was refused (too large, not UTF-8) is said once, by that file.
            if refused.iter().any(|r| in_folder(r).is_some_and(|(d, _)| d == folder)) {
                continue;
            }
            let problem = match flavor {
                Flavor::Diesel if f.down.is_some() || f.metadata.is_some() || f.other => "has no up.sql; diesel refuses the whole folder: \"Invalid migration directory: \
                    the directory's name should be <timestamp>_<name_of_migration>, and it should contain up.sql and optionally down.sql.\"",
                // Prisma lists every folder and fails on one without its script (its P3015).
                Flavor::Prisma => "has no migration.sql; Prisma fails on it: \"Could not find the migration file at migration.sql. \
                    Please delete the directory or restore the migration file.\"",
                _ => continue,
            };
            errors.push(Error::LayoutFolder { folder: dir, problem: problem.to_string() });
            continue;
        };
        let key = match flavor {
            Flavor::Diesel => flavor::diesel_version(&folder),
            _ => folder.clone(),
        };
        found.push((key, folder, up, f.down, f.metadata, dir));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.5.cmp(&b.5)));
    // Two folders of one key: diesel runs one of them and drops the other unsaid
    // (migration_harness.rs:116-120, a HashMap by version); refused here, naming both.
    let mut twice = std::collections::BTreeSet::new();
    for w in found.windows(2) {
        if w[0].0 == w[1].0 {
            errors.push(Error::DuplicateKey { version_text: w[0].0.clone(), first: format!("{}/", w[0].5), second: format!("{}/", w[1].5) });
            twice.insert(w[0].0.clone());
        }
    }
    found.retain(|f| !twice.contains(&f.0));
    let keys: Vec<String> = found.iter().map(|f| f.0.clone()).collect();
    let (versions, note) = numbers(&keys);
    let migrations = found
        .into_iter()
        .zip(versions)
        .map(|((key, folder, mut up, mut down, metadata, _), version)| {
            let transaction = match flavor {
                Flavor::Diesel if !flavor::diesel_run_in_transaction(metadata.as_deref()) => Transaction::Off,
                Flavor::Diesel => Transaction::Wrapped,
                _ => flavor::PRISMA_TRANSACTION,
            };
            up.transaction = transaction;
            if let Some(d) = down.as_mut() {
                d.transaction = transaction;
            }
            let recorded = match flavor {
                Flavor::Diesel => key,
                _ => folder.clone(),
            };
            // Named by its folder, as its tool names it ("Running migration 2024-01-01-000000_x",
            // Prisma's migration_name): the name keeps the real version when the number does not.
            let mut m = Migration::new(version, folder.clone(), up, down).recorded_as(recorded);
            // Its metadata.toml travels with its files (a share link, an export), read again the same.
            if let Some(text) = metadata {
                m.sources.push((format!("{folder}/metadata.toml"), text));
            }
            m
        })
        .collect();
    (migrations, errors, note)
}

/// refinery's set: `V<n>__<name>.sql` files, up only, ordered by version.
fn refinery(files: Vec<(String, String)>) -> (Vec<Migration>, Vec<Error>, Option<String>) {
    let mut by_version: BTreeMap<i64, Vec<(String, String, String)>> = BTreeMap::new();
    let mut errors = Vec::new();
    for (path, text) in files {
        let file = file_name(&path).to_string();
        match flavor::refinery_name(&file) {
            Some(Ok((version, name))) => by_version.entry(version).or_default().push((file, name, text)),
            Some(Err(why)) => errors.push(Error::LayoutFile { file, problem: why.to_string() }),
            None => {}
        }
    }
    let mut migrations = Vec::new();
    for (version, mut same) in by_version {
        if same.len() > 1 {
            same.sort();
            errors.push(Error::DuplicateKey { version_text: version.to_string(), first: same[0].0.clone(), second: same[1].0.clone() });
            continue;
        }
        let (file, name, text) = same.remove(0);
        let mut up = Script::plain(file, text);
        up.transaction = Transaction::Wrapped;
        migrations.push(Migration::new(version, name.replace('_', " "), up, None).recorded_as(name));
    }
    (migrations, errors, None)
}
