//! Diff on two schemas, each made by running a script strung together from the
//! shared SQL fragments as the one migration of a set in its own Playground:
//! `diff(a, b)` and `diff(b, a)`, and every difference's `to_string()` and
//! `as_step()`. A schema equals itself, and the same script run twice gives
//! equal schemas. Never a panic.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use migraplay::diff;

#[derive(Arbitrary, Debug)]
struct Input {
    a: Vec<u8>,
    b: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let (sa, sb) = (common::script(&input.a), common::script(&input.b));
    let (Some(a), Some(b)) = (common::schema_of(&sa), common::schema_of(&sb)) else { return };
    for d in diff(&a, &b).iter().chain(&diff(&b, &a)) {
        assert!(!d.to_string().is_empty());
        assert!(!d.as_step().is_empty());
        let _ = d.object();
    }
    assert!(diff(&a, &a).is_empty(), "a schema differs from itself: {:?}", diff(&a, &a));
    if let Some(again) = common::schema_of(&sa) {
        let d = diff(&a, &again);
        assert!(d.is_empty(), "the same script gave different schemas:\n{sa}\n{d:#?}");
    }
});
