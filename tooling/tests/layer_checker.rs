//! The layer checker on small synthetic trees: which paths count as imports of which file,
//! circles, imports up the layer order, unlayered files and the line limit.

use mx_aggregation_tooling::layers::{CheckError, LINE_LIMIT, Report, Sources, check};

fn report(files: &[(&str, &str)], layers: &[&[&str]]) -> Report {
    let sources = Sources::from_files(files.iter().copied());
    check(&sources, layers).unwrap_or_else(|e| panic!("{e}"))
}

fn imports(files: &[(&str, &str)], file: &str) -> Vec<String> {
    report(files, &[])
        .imports_of(file)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_path_imports_the_file_of_its_deepest_module() {
    let files = [
        ("lib.rs", "mod m; mod user;"),
        ("m/mod.rs", "mod inner; pub struct Thing;"),
        ("m/inner.rs", "pub fn f() {}"),
        (
            "user.rs",
            "fn g() { crate::m::inner::f(); let _ = crate::m::Thing::new; }",
        ),
    ];
    assert_eq!(imports(&files, "user.rs"), ["m/inner.rs", "m/mod.rs"]);
}

#[test]
fn super_and_self_paths_are_imports() {
    let files = [
        ("lib.rs", "mod m;"),
        ("m/mod.rs", "mod a; mod b; mod c;"),
        (
            "m/a.rs",
            "use super::b::B; fn f() { self::inner::g(); } mod inner { pub fn g() { super::super::c::h(); } }",
        ),
        ("m/b.rs", "pub struct B;"),
        ("m/c.rs", "pub fn h() {}"),
    ];
    assert_eq!(imports(&files, "m/a.rs"), ["m/b.rs", "m/c.rs"]);
}

#[test]
fn a_re_export_counts_as_an_import_of_the_defining_file() {
    let files = [
        ("lib.rs", "mod a; mod b; pub use b::Thing;"),
        ("a.rs", "use crate::Thing;"),
        ("b.rs", "pub struct Thing;"),
    ];
    assert_eq!(imports(&files, "a.rs"), ["b.rs"]);
    assert_eq!(imports(&files, "lib.rs"), ["b.rs"]);
}

#[test]
fn a_re_export_through_a_mod_rs_glob_reaches_the_defining_file() {
    let files = [
        ("lib.rs", "mod m; mod user;"),
        (
            "m/mod.rs",
            "mod inner; mod other; pub use self::inner::*; pub use other::Renamed as Other;",
        ),
        ("m/inner.rs", "pub struct Foo;"),
        ("m/other.rs", "pub struct Renamed;"),
        ("user.rs", "use crate::m::{Foo, Other};"),
    ];
    assert_eq!(imports(&files, "user.rs"), ["m/inner.rs", "m/other.rs"]);
}

#[test]
fn paths_in_macro_calls_and_types_are_imports() {
    let files = [
        ("lib.rs", "mod a; mod b; mod c;"),
        (
            "a.rs",
            r#"fn f() -> Vec<crate::c::C> { println!("{}", crate::b::name()); vec![] }"#,
        ),
        ("b.rs", "pub fn name() -> &'static str { \"b\" }"),
        ("c.rs", "pub struct C;"),
    ];
    assert_eq!(imports(&files, "a.rs"), ["b.rs", "c.rs"]);
}

#[test]
fn a_name_brought_in_by_use_is_followed_in_later_paths() {
    let files = [
        ("lib.rs", "mod m; mod user;"),
        ("m/mod.rs", "mod inner; pub use inner::Thing;"),
        ("m/inner.rs", "pub struct Thing;"),
        ("user.rs", "use crate::m; fn f() { let _ = m::Thing; }"),
    ];
    assert_eq!(imports(&files, "user.rs"), ["m/inner.rs", "m/mod.rs"]);
}

#[test]
fn two_files_importing_each_other_are_a_circle() {
    let files = [
        ("lib.rs", "mod a; mod b;"),
        ("a.rs", "use crate::b::B; pub struct A;"),
        ("b.rs", "use crate::a::A; pub struct B;"),
    ];
    let report = report(&files, &[]);
    assert_eq!(report.circles.len(), 1, "{report}");
    assert_eq!(report.circles[0].files, ["a.rs", "b.rs"]);
    assert_eq!(report.circles[0].example, ["a.rs", "b.rs", "a.rs"]);
    assert!(
        report
            .to_string()
            .contains("circle of 2 files: a.rs → b.rs → a.rs"),
        "{report}"
    );
}

#[test]
fn a_circle_through_a_re_export_and_a_third_file_is_found() {
    let files = [
        ("lib.rs", "mod a; mod b; mod c; pub use c::C;"),
        ("a.rs", "use crate::b::B; pub struct A;"),
        ("b.rs", "use crate::C; pub struct B;"),
        ("c.rs", "pub struct C; fn f() { let _ = super::a::A; }"),
    ];
    let report = report(&files, &[]);
    assert_eq!(report.circles.len(), 1, "{report}");
    assert_eq!(report.circles[0].files, ["a.rs", "b.rs", "c.rs"]);
    assert_eq!(report.circles[0].example, ["a.rs", "b.rs", "c.rs", "a.rs"]);
}

#[test]
fn imports_that_only_go_down_make_no_circle() {
    let files = [
        ("lib.rs", "mod a; mod b; pub use a::A; pub use b::B;"),
        ("a.rs", "use crate::B; pub struct A;"),
        (
            "b.rs",
            "pub struct B; #[cfg(test)] mod tests { use super::*; }",
        ),
    ];
    let report = report(&files, &[]);
    assert!(report.circles.is_empty(), "{report}");
    assert!(report.is_clean(), "{report}");
}

#[test]
fn an_import_up_the_layer_order_is_reported() {
    let files = [
        ("lib.rs", "mod low; mod high; mod top;"),
        ("low/mod.rs", "pub fn l() { crate::high::h(); }"),
        ("high/mod.rs", "pub fn h() { crate::low::l(); }"),
        ("top.rs", "fn t() { crate::high::h(); }"),
    ];
    let layers: &[&[&str]] = &[&["low/"], &["high/"], &["top.rs", "lib.rs"]];
    let report = report(&files, layers);
    assert_eq!(report.upward.len(), 1, "{report}");
    let up = &report.upward[0];
    assert_eq!((up.from.0.as_str(), up.from.1), ("low/mod.rs", 0));
    assert_eq!((up.to.0.as_str(), up.to.1), ("high/mod.rs", 1));
    assert_eq!(up.import.path, "crate::high::h");
    assert_eq!(up.import.line, 1);
}

#[test]
fn the_longest_prefix_decides_a_files_layer() {
    let files = [
        ("lib.rs", "mod m;"),
        ("m/mod.rs", "mod base; mod top;"),
        ("m/base.rs", "pub fn b() { super::top::t(); }"),
        ("m/top.rs", "pub fn t() {}"),
    ];
    let layers: &[&[&str]] = &[&["m/base.rs"], &["m/"], &["lib.rs"]];
    let report = report(&files, layers);
    assert_eq!(report.upward.len(), 1, "{report}");
    assert_eq!(report.upward[0].from.0, "m/base.rs");
}

#[test]
fn siblings_of_one_layer_may_not_import_each_other() {
    let files = [
        ("lib.rs", "mod low; mod left; mod right;"),
        ("low.rs", "pub fn l() {}"),
        (
            "left/mod.rs",
            "mod inner; pub fn f() { inner::g(); crate::low::l(); crate::right::r(); }",
        ),
        ("left/inner.rs", "pub fn g() {}"),
        ("right/mod.rs", "pub fn r() { crate::low::l(); }"),
    ];
    let layers: &[&[&str]] = &[&["low.rs"], &["left/", "right/"], &["lib.rs"]];
    let report = report(&files, layers);
    assert!(report.upward.is_empty(), "{report}");
    assert_eq!(report.sideways.len(), 1, "{report}");
    assert_eq!(report.sideways[0].from.0, "left/mod.rs");
    assert_eq!(report.sideways[0].to.0, "right/mod.rs");
    assert!(
        report
            .to_string()
            .contains("sideways import: left/mod.rs:1 imports its sibling right/mod.rs"),
        "{report}"
    );
}

#[test]
fn a_file_no_layer_covers_is_reported() {
    let files = [
        ("lib.rs", "mod a; mod stray;"),
        ("a.rs", ""),
        ("stray.rs", ""),
    ];
    let layers: &[&[&str]] = &[&["a.rs"], &["lib.rs"]];
    assert_eq!(report(&files, layers).unlayered, ["stray.rs"]);
}

fn lines(n: usize) -> String {
    (0..n).map(|i| format!("const C{i}: u8 = 0;\n")).collect()
}

#[test]
fn a_file_over_the_limit_is_reported_and_one_at_it_is_not() {
    let at_limit = lines(LINE_LIMIT);
    let over = lines(LINE_LIMIT + 1);
    let files = [
        ("lib.rs", "mod a; mod b;"),
        ("a.rs", at_limit.as_str()),
        ("b.rs", over.as_str()),
    ];
    let report = report(&files, &[]);
    assert_eq!(report.long_files.len(), 1, "{report}");
    assert_eq!(report.long_files[0].file, "b.rs");
    assert_eq!(report.long_files[0].lines, LINE_LIMIT + 1);
}

#[test]
fn test_modules_and_generated_files_are_not_counted() {
    let tests = format!("#[cfg(test)]\nmod tests {{\n{}}}\n", lines(200));
    let with_tests = format!("{}{tests}", lines(LINE_LIMIT - 1));
    let generated = format!("// @generated by a tool\n{}", lines(LINE_LIMIT + 5));
    let test_file = lines(LINE_LIMIT + 5);
    let files = [
        ("lib.rs", "mod a; mod g; #[cfg(test)] mod t;"),
        ("a.rs", with_tests.as_str()),
        ("g.rs", generated.as_str()),
        ("t.rs", test_file.as_str()),
    ];
    let report = report(&files, &[]);
    assert!(report.long_files.is_empty(), "{report}");
    // The same module without `#[cfg(test)]` counts.
    let counted = with_tests.replace("#[cfg(test)]\n", "\n");
    let files = [("lib.rs", "mod a;"), ("a.rs", counted.as_str())];
    assert_eq!(report_lines(&files), [LINE_LIMIT - 1 + 203]);
}

fn report_lines(files: &[(&str, &str)]) -> Vec<usize> {
    report(files, &[])
        .long_files
        .iter()
        .map(|f| f.lines)
        .collect()
}

#[test]
fn a_file_that_does_not_parse_or_a_missing_module_is_an_error() {
    let sources = Sources::from_files([("lib.rs", "mod a;"), ("a.rs", "fn (")]);
    assert!(matches!(check(&sources, &[]), Err(CheckError::Parse { file, .. }) if file == "a.rs"));
    let sources = Sources::from_files([("lib.rs", "\nmod gone;")]);
    let error = check(&sources, &[]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "lib.rs:2: `mod gone;` has no file (gone.rs or gone/mod.rs)"
    );
    let sources = Sources::from_files([("other.rs", "")]);
    assert_eq!(check(&sources, &[]), Err(CheckError::NoRoot));
}

#[test]
fn a_name_a_hub_brings_in_from_another_crate_is_no_import() {
    let files = [
        (
            "lib.rs",
            "mod a; pub(crate) use other_crate::lifecycle; pub use std::fmt;",
        ),
        (
            "a.rs",
            "use crate::lifecycle::Event; fn f(_: &dyn crate::fmt::Debug) {}",
        ),
    ];
    assert!(imports(&files, "a.rs").is_empty());
}
