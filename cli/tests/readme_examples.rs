//! The README's console examples are what the binary prints: the quick start's text, the
//! JSON example and the batch example, output and summary.

mod common;

use common::{mx, run};

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap()
}

/// The fenced block of `kind` that follows `marker` in the README, without its fences.
fn block_after(readme: &str, marker: &str, kind: &str) -> String {
    let from = readme
        .find(marker)
        .unwrap_or_else(|| panic!("README lost {marker:?}"));
    let fence = format!("```{kind}\n");
    let start = from + readme[from..].find(&fence).expect("a fenced block") + fence.len();
    let end = start + readme[start..].find("```").expect("a closing fence");
    readme[start..end].to_owned()
}

#[test]
fn quick_start_output_is_what_decide_prints() {
    let readme = readme();
    assert!(readme.contains(
        "cargo run --release --bin mx-aggregation -- decide examples/member_status_challenged.json\ncargo test\n"
    ));
    let shown = block_after(&readme, "## Quick start", "text");
    let out = run(mx(["decide", "examples/member_status_challenged.json"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/..")));
    assert_eq!(out.code, Some(0));
    assert_eq!(out.stdout, shown);
}

#[test]
fn console_examples_are_what_the_commands_print() {
    let readme = readme();
    let section = &readme[readme.find("## Command-line tool").unwrap()..];
    let mut checked = 0;
    let mut rest = section;
    while let Some(at) = rest.find("```console\n") {
        let body_start = at + "```console\n".len();
        let body_end = body_start + rest[body_start..].find("```").unwrap();
        let body = &rest[body_start..body_end];
        rest = &rest[body_end + 3..];
        let mut lines = body.lines().peekable();
        let mut redirected_stdout = None;
        while let Some(prompt) = lines.next() {
            let command = prompt
                .strip_prefix("$ ")
                .unwrap_or_else(|| panic!("not a prompt: {prompt}"));
            let mut printed = String::new();
            while let Some(line) = lines.next_if(|l| !l.starts_with("$ ")) {
                printed.push_str(line);
                printed.push('\n');
            }
            if let Some(file) = command.strip_prefix("cat ") {
                let (from, stdout): (String, String) = redirected_stdout
                    .take()
                    .unwrap_or_else(|| panic!("cat {file} of nothing"));
                assert_eq!(stdout, printed, "{from}");
            } else {
                redirected_stdout =
                    check_command(command, &printed).map(|out| (command.to_owned(), out));
                checked += 1;
            }
        }
    }
    assert!(checked >= 3, "only {checked} README commands checked");
}

/// Runs one README command line and compares what it prints. A command whose output is
/// redirected to a file shows its standard error; its standard output is returned, for the
/// `cat` of that file that follows.
fn check_command(command: &str, printed: &str) -> Option<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let args = match words.as_slice() {
        [
            "cargo",
            "run",
            "--release",
            "--bin",
            "mx-aggregation",
            "--",
            args @ ..,
        ]
        | ["mx-aggregation", args @ ..] => args,
        other => panic!("README command not understood: {other:?}"),
    };
    let (args, redirected) = match args {
        [head @ .., ">", _file] => (head, true),
        all => (all, false),
    };
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("mx-aggregation");
    cmd.args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let out = run(cmd);
    if redirected {
        assert_eq!(out.stderr, printed, "{command}");
        Some(out.stdout)
    } else {
        assert_eq!(out.stdout, printed, "{command}");
        None
    }
}
