//! What the checker finds: the import graph, and the circles, upward imports, unlayered
//! files and long files in it, with messages that say where.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The most lines a hand-written file may have outside its `#[cfg(test)]` modules.
pub const LINE_LIMIT: usize = 600;

/// Where one file first imports another, for the messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The line of the first path that imports the file.
    pub line: usize,
    /// That path as written, `::`-joined (`crate::time::delta`).
    pub path: String,
}

/// A circle: files that import each other, directly or through others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Circle {
    /// Every file of the circle (one strongly connected component), sorted.
    pub files: Vec<String>,
    /// One loop through it, from the first file back to it: `a.rs → b.rs → a.rs`.
    pub example: Vec<String>,
}

/// An import that goes up the declared layer order, or across to a sibling of its layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpwardImport {
    /// The importing file and its layer (index in the declared order, lowest first).
    pub from: (String, usize),
    /// The imported file and its layer.
    pub to: (String, usize),
    /// Where.
    pub import: Import,
}

/// A hand-written file over [`LINE_LIMIT`] lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongFile {
    /// The file.
    pub file: String,
    /// Its lines, leaving out `#[cfg(test)]` modules.
    pub lines: usize,
}

/// What [`check`](super::check) found, and the import graph it found it in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Importing file → imported file → the first import.
    pub imports: BTreeMap<String, BTreeMap<String, Import>>,
    /// The circles, by their first file.
    pub circles: Vec<Circle>,
    /// The imports that go up a layer.
    pub upward: Vec<UpwardImport>,
    /// The imports between sibling prefixes of one layer.
    pub sideways: Vec<UpwardImport>,
    /// Files of the crate no layer covers (none when no layers are declared).
    pub unlayered: Vec<String>,
    /// The files over the line limit.
    pub long_files: Vec<LongFile>,
}

impl Report {
    /// No finding at all.
    pub fn is_clean(&self) -> bool {
        self.circles.is_empty()
            && self.upward.is_empty()
            && self.sideways.is_empty()
            && self.unlayered.is_empty()
            && self.long_files.is_empty()
    }

    /// The files `file` imports.
    pub fn imports_of(&self, file: &str) -> BTreeSet<&str> {
        self.imports
            .get(file)
            .map(|to| to.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_clean() {
            return writeln!(
                f,
                "no circle, no upward or sideways import, no unlayered or long file"
            );
        }
        for circle in &self.circles {
            writeln!(
                f,
                "circle of {} files: {}",
                circle.files.len(),
                circle.example.join(" → ")
            )?;
            for pair in circle.example.windows(2) {
                if let Some(import) = self.imports.get(&pair[0]).and_then(|to| to.get(&pair[1])) {
                    writeln!(f, "    {}:{} imports {}", pair[0], import.line, import.path)?;
                }
            }
        }
        for up in &self.upward {
            writeln!(
                f,
                "upward import: {}:{} (layer {}) imports {} (layer {}) by {}",
                up.from.0, up.import.line, up.from.1, up.to.0, up.to.1, up.import.path
            )?;
        }
        for side in &self.sideways {
            writeln!(
                f,
                "sideways import: {}:{} imports its sibling {} (both layer {}) by {}",
                side.from.0, side.import.line, side.to.0, side.from.1, side.import.path
            )?;
        }
        for file in &self.unlayered {
            writeln!(f, "unlayered: no declared layer covers {file}")?;
        }
        for long in &self.long_files {
            writeln!(
                f,
                "too long: {} has {} lines outside #[cfg(test)] modules (limit {LINE_LIMIT})",
                long.file, long.lines
            )?;
        }
        Ok(())
    }
}
