//! `mx-aggregation docs --out DIR`: writes [`mx_aggregation_tooling::docs::render`]'s files.

use std::fs;
use std::io::Write as _;

use crate::args::DocsArgs;
use crate::error::{CliError, Completion};

/// Creates the directory and writes each generated file into it.
pub(super) fn run(args: &DocsArgs) -> Result<Completion, CliError> {
    let write_error = |path: &std::path::Path, error| CliError::Write {
        output: path.display().to_string(),
        error,
    };
    fs::create_dir_all(&args.out).map_err(|e| write_error(&args.out, e))?;
    for file in mx_aggregation_tooling::docs::render() {
        let path = args.out.join(file.name);
        fs::write(&path, file.contents).map_err(|e| write_error(&path, e))?;
        let _ = writeln!(std::io::stderr(), "wrote {}", path.display());
    }
    Ok(Completion::Done)
}
