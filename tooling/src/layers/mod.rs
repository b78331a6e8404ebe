//! The import-graph checker: reads a package's `src/` tree and reports what breaks its
//! architecture, so that a test fails on it. Each finding is one of:
//!
//! - a **circle**: two or more files that import each other, directly or through others;
//! - an **upward import**: a file importing a file of a higher layer of a declared order;
//! - a **sideways import**: a file importing a file of a sibling in its own layer;
//! - an **unlayered** file: a file no declared layer covers, so nothing says what it may
//!   import;
//! - a **long file**: a hand-written `.rs` file over [`LINE_LIMIT`] lines, not counting its
//!   `#[cfg(test)]` modules; a file whose first line says `@generated` is not counted.
//!
//! What counts as an import: a path `crate::a::b::…`, `super::…`, `self::…`, or one that
//! starts with a child module's name, in a `use` item, an expression, a type, a pattern or
//! a macro's tokens, is an import of the file that defines the deepest module on the path.
//! A name a crate root, a `mod.rs` or any file declaring child module files brings in with
//! `use` (a re-export) is followed to the file that defines it; a glob `use` of such a file
//! is followed when the module it names defines the name. Imports of a file by itself do
//! not count. Doc links are not imports.
//!
//! The checker is pure: [`Sources`] holds the files' text ([`Sources::read`] is the one
//! function that touches the file system), and [`check`] returns a [`Report`].

mod circles;
mod lines;
mod report;
mod resolve;
mod sources;
mod tree;

use std::collections::BTreeSet;
use std::path::Path;

pub use report::{Circle, Import, LINE_LIMIT, LongFile, Report, UpwardImport};
pub use sources::{CheckError, Sources};

/// Checks a package's sources against a layer order.
///
/// `layers` lists the layers lowest first; each layer is a set of path prefixes relative to
/// `src/` (a folder `time/` or a file `batch.rs`), and a file belongs to the layer of the
/// longest prefix it starts with. A file may import files of lower layers and files under
/// its own prefix; the prefixes of one layer are siblings that do not import each other
/// (`decide/` and `http/` side by side above `read/`).
/// With no layers declared, only circles and long files are checked.
///
/// # Errors
///
/// [`CheckError`] when a file does not parse, a `mod` names a missing file or there is no
/// crate root.
pub fn check(sources: &Sources, layers: &[&[&str]]) -> Result<Report, CheckError> {
    let crates = tree::Crates::build(sources)?;
    let imports = resolve::imports(&crates);
    let circles = circles::find(&imports);
    let mut upward = Vec::new();
    let mut sideways = Vec::new();
    let mut unlayered = BTreeSet::new();
    if !layers.is_empty() {
        for file in crates.files() {
            if layer_of(file, layers).is_none() {
                unlayered.insert(file.to_owned());
            }
        }
        for (from, targets) in &imports {
            let Some(from_layer) = layer_of(from, layers) else {
                continue;
            };
            for (to, import) in targets {
                let Some(to_layer) = layer_of(to, layers) else {
                    continue;
                };
                let found = UpwardImport {
                    from: (from.clone(), from_layer.0),
                    to: (to.clone(), to_layer.0),
                    import: import.clone(),
                };
                if to_layer.0 > from_layer.0 {
                    upward.push(found);
                } else if to_layer.0 == from_layer.0 && to_layer.1 != from_layer.1 {
                    sideways.push(found);
                }
            }
        }
    }
    let long_files = lines::long_files(sources, &crates)?;
    Ok(Report {
        imports,
        circles,
        upward,
        sideways,
        unlayered: unlayered.into_iter().collect(),
        long_files,
    })
}

/// Reads `package_dir/src` and checks it: [`Sources::read`] then [`check`].
///
/// # Errors
///
/// A message naming the file that could not be read or checked.
pub fn check_package(package_dir: &Path, layers: &[&[&str]]) -> Result<Report, String> {
    let sources = Sources::read(&package_dir.join("src")).map_err(|e| e.to_string())?;
    check(&sources, layers).map_err(|e| e.to_string())
}

/// The layer of a file: the index of the layer holding the longest prefix of its path, and
/// that prefix.
fn layer_of<'l>(file: &str, layers: &[&[&'l str]]) -> Option<(usize, &'l str)> {
    layers
        .iter()
        .enumerate()
        .flat_map(|(index, prefixes)| prefixes.iter().map(move |p| (index, *p)))
        .filter(|(_, prefix)| file.starts_with(prefix))
        .max_by_key(|(_, prefix)| prefix.len())
}
