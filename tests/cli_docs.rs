//! `mx-aggregation docs --out DIR` writes exactly the library's generated files.
#![cfg(feature = "cli")]

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
    let files = mx_aggregation::docs::render();
    assert!(!files.is_empty());
    for file in &files {
        let path = dir.join(file.name);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            file.contents,
            "{}",
            file.name
        );
        assert!(
            out.stderr.contains(&format!("wrote {}\n", path.display())),
            "{out:?}"
        );
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), files.len());

    // A second run replaces the files with the same bytes.
    let again = run(mx(["docs", "--out", dir.to_str().unwrap()]));
    assert_eq!(again.code, Some(0));
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}
