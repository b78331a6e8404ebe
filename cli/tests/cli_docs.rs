//! `mx-aggregation docs --out DIR` writes exactly the generated files committed under `docs/`
//! (which `tooling/tests/docs_in_sync.rs` checks against the generator).

mod common;

use common::{mx, run};

#[test]
fn docs_writes_every_generated_file_into_a_new_directory() {
    let dir = std::env::temp_dir()
        .join(format!("mx-aggregation-docs-{}", std::process::id()))
        .join("nested");
    let out = run(mx(["docs", "--out", dir.to_str().unwrap()]));
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(out.stdout, "");
    let committed = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs");
    let names = [
        "lifecycle.dot",
        "member_state.md",
        "sources.md",
        "transitions.md",
    ];
    for name in names {
        let path = dir.join(name);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            std::fs::read_to_string(format!("{committed}/{name}")).unwrap(),
            "{name}"
        );
        assert!(
            out.stderr.contains(&format!("wrote {}\n", path.display())),
            "{out:?}"
        );
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), names.len());

    // A second run replaces each file with the same bytes, and says so again.
    let tampered = dir.join("sources.md");
    std::fs::write(&tampered, "stale").unwrap();
    let again = run(mx(["docs", "--out", dir.to_str().unwrap()]));
    assert_eq!(again.code, Some(0), "{again:?}");
    assert_eq!(again.stderr, out.stderr);
    assert_eq!(
        std::fs::read_to_string(&tampered).unwrap(),
        std::fs::read_to_string(format!("{committed}/sources.md")).unwrap()
    );
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}
