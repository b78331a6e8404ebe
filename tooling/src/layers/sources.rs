//! The files the checker reads, and why it may refuse them.

use std::collections::BTreeMap;
use std::path::Path;

/// The text of every `.rs` file of one package's `src/` tree, by path relative to `src/`
/// with `/` separators (`lib.rs`, `time/mod.rs`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    files: BTreeMap<String, String>,
}

impl Sources {
    /// Sources from `(path relative to src/, text)` pairs: synthetic trees for tests.
    pub fn from_files<P: Into<String>, T: Into<String>>(
        files: impl IntoIterator<Item = (P, T)>,
    ) -> Self {
        Self {
            files: files
                .into_iter()
                .map(|(path, text)| (path.into(), text.into()))
                .collect(),
        }
    }

    /// Reads every `.rs` file under `src_dir`, recursively.
    ///
    /// # Errors
    ///
    /// The IO error of the first directory or file that cannot be read, with its path.
    pub fn read(src_dir: &Path) -> std::io::Result<Self> {
        let mut files = BTreeMap::new();
        let mut pending = vec![src_dir.to_path_buf()];
        while let Some(dir) = pending.pop() {
            let entries = std::fs::read_dir(&dir).map_err(|e| with_path(e, &dir))?;
            for entry in entries {
                let path = entry.map_err(|e| with_path(e, &dir))?.path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    let text = std::fs::read_to_string(&path).map_err(|e| with_path(e, &path))?;
                    let relative = path
                        .strip_prefix(src_dir)
                        .unwrap_or(&path)
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    files.insert(relative, text);
                }
            }
        }
        Ok(Self { files })
    }

    /// The files, by path relative to `src/`.
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, t)| (p.as_str(), t.as_str()))
    }

    pub(crate) fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }
}

fn with_path(error: std::io::Error, path: &Path) -> std::io::Error {
    std::io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

/// Why a tree could not be checked: the checker never guesses past a file it cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// A file is not valid Rust.
    #[error("{file}:{line}: not valid Rust: {message}")]
    Parse {
        /// The file, relative to `src/`.
        file: String,
        /// The line of the error.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// `mod name;` names a file that is not in the tree.
    #[error("{file}:{line}: `mod {module};` has no file ({candidates})")]
    MissingModule {
        /// The declaring file.
        file: String,
        /// The line of the declaration.
        line: usize,
        /// The module's name.
        module: String,
        /// The files looked for.
        candidates: String,
    },
    /// The tree has no crate root (`lib.rs`, `main.rs`, `bin/*.rs`).
    #[error("no crate root: neither lib.rs, main.rs nor bin/*.rs is in the tree")]
    NoRoot,
}
