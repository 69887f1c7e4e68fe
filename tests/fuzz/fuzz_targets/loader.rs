//! The loader on arbitrary file names and bytes: it may refuse a set, with an
//! error that names files, but never panics; a set it accepts reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migraplay::MigrationSet;

fuzz_target!(|files: Vec<(String, Vec<u8>)>| {
    match MigrationSet::from_files(files) {
        Ok(set) => {
            let again = MigrationSet::from_files(set.files().into_iter().map(|(n, t)| (n, t.into_bytes())));
            assert_eq!(again.expect("a loaded set's files load again"), set);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
