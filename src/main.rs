//! The `mx-aggregation` command-line tool: `decide` for one member, `batch` for JSON Lines
//! of members, `docs` for the generated documentation. See `mx-aggregation --help`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
