//! Every source the code and the docs cite resolves inside the repository: each confidence
//! tag (`[V]`, `[V-code]`, `[3P]`) stands right after a key of the one sources table
//! ([`Source`]), and nothing points into material outside the repository.

use std::path::{Path, PathBuf};

use mx_aggregation::Source;

const TAGS: [&str; 3] = ["[V]", "[V-code]", "[3P]"];

/// The files whose citations must resolve: every Rust source and the Markdown docs.
fn cited_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for dir in ["src", "tooling/src", "cli/src", "docs"] {
        collect(&root.join(dir), &mut files);
    }
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "rs" || ext == "md")
        {
            out.push(path);
        }
    }
}

/// The words of the clause before a tag: back to the nearest `;`, `(`, `|`, quote or line
/// start.
fn clause_before(text: &str) -> &str {
    let line = text.rsplit('\n').next().unwrap_or(text);
    let cut = line.rfind([';', '(', '|', '"']).map_or(0, |i| i + 1);
    &line[cut..]
}

fn names_a_key(clause: &str) -> bool {
    clause
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .any(|word| Source::from_key(word).is_some())
}

#[test]
fn every_tagged_citation_names_a_source_key() {
    let mut unresolved = Vec::new();
    let mut citations = 0;
    for path in cited_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replace("\\[", "[").replace("\\]", "]");
        for tag in TAGS {
            for (at, _) in text.match_indices(tag) {
                // `**[V]**` is the legend that explains a tag, not a citation.
                if text[..at].ends_with("**") || text[..at].ends_with("Tag ") {
                    continue;
                }
                citations += 1;
                let clause = clause_before(&text[..at]);
                if !names_a_key(clause) {
                    let line = text[..at].lines().count();
                    unresolved.push(format!("{}:{line}: {clause:?} {tag}", path.display()));
                }
            }
        }
    }
    assert!(citations > 100, "only {citations} citations found");
    assert!(
        unresolved.is_empty(),
        "citations without a source key (add the key to src/model/sources.rs or name it):\n{}",
        unresolved.join("\n")
    );
}

#[test]
fn nothing_cites_material_outside_the_repository() {
    for path in cited_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for outside in ["mx-api-facts", "shared/domain", "shared/seed"] {
            assert!(
                !text.contains(outside),
                "{} cites {outside}, which is not part of the repository",
                path.display()
            );
        }
    }
}

#[test]
fn keys_are_unique_and_urls_absolute() {
    for (i, a) in Source::ALL.iter().enumerate() {
        assert!(a.url().starts_with("https://"), "{a}: {}", a.url());
        assert!(!a.relied_on().is_empty() && !a.title().is_empty(), "{a}");
        for b in &Source::ALL[i + 1..] {
            assert_ne!(a.key(), b.key());
        }
        assert_eq!(Source::from_key(a.key()), Some(*a));
    }
}
