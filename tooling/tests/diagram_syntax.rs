//! The generated diagrams are well-formed, checked offline: the Mermaid block of
//! `transitions.md` line by line against the `stateDiagram-v2` statements it may use, and
//! `lifecycle.dot` against the Graphviz statements it may use. Both draw exactly the edges
//! of the lifecycle table.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use mx_aggregation::ConnectionStatus;
use mx_aggregation_tooling::docs::{GeneratedFile, render};
use mx_aggregation_tooling::lifecycle::TRANSITIONS;

/// Rendered once for both tests: rendering runs the simulation.
static FILES: LazyLock<Vec<GeneratedFile>> = LazyLock::new(render);

fn file(name: &str) -> &'static str {
    &FILES
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("{name} not generated"))
        .contents
}

fn mermaid_block() -> String {
    let md = file("transitions.md");
    let start = md.find("```mermaid\n").expect("a mermaid block") + "```mermaid\n".len();
    let len = md[start..].find("```").expect("a closed mermaid block");
    assert_eq!(
        md.matches("```mermaid").count(),
        1,
        "exactly one mermaid block"
    );
    md[start..start + len].to_owned()
}

/// An identifier Mermaid and Graphviz both take as is: capitals and underscores.
fn is_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_uppercase() || c == '_')
}

fn is_label(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

#[test]
fn the_mermaid_block_is_a_well_formed_state_diagram() {
    let block = mermaid_block();
    let mut lines = block.lines();
    assert_eq!(lines.next(), Some("stateDiagram-v2"));
    let mut declared: BTreeSet<String> = ConnectionStatus::ALL
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    let mut classes = BTreeSet::new();
    let mut edges = Vec::new();
    for line in lines {
        let body = line
            .strip_prefix("    ")
            .unwrap_or_else(|| panic!("not indented: {line:?}"));
        if let Some(rest) = body.strip_prefix("state \"") {
            let (description, id) = rest
                .split_once("\" as ")
                .unwrap_or_else(|| panic!("bad state line: {line:?}"));
            assert!(!description.contains(['"', ':', '{', '}', ';']), "{line:?}");
            assert!(is_id(id), "bad id in {line:?}");
            assert!(edges.is_empty(), "declare {id} before the edges");
            declared.insert(id.to_owned());
        } else if let Some((from, rest)) = body.split_once(" --> ") {
            let (to, label) = rest
                .split_once(" : ")
                .unwrap_or_else(|| panic!("edge without label: {line:?}"));
            assert!(
                from == "[*]" || declared.contains(from),
                "undeclared {from}"
            );
            assert!(declared.contains(to), "undeclared {to}");
            assert!(is_label(label), "bad label in {line:?}");
            edges.push((from.to_owned(), to.to_owned(), label.to_owned()));
        } else if let Some(rest) = body.strip_prefix("classDef ") {
            let (name, style) = rest.split_once(' ').expect("classDef name style");
            assert!(is_label(name), "{line:?}");
            for property in style.split(',') {
                let (key, value) = property.split_once(':').expect("property:value");
                assert!(!key.is_empty() && !value.is_empty(), "{line:?}");
            }
            classes.insert(name.to_owned());
        } else if let Some(rest) = body.strip_prefix("class ") {
            let (ids, name) = rest.split_once(' ').expect("class ids name");
            assert!(classes.contains(name), "class {name} not defined");
            for id in ids.split(',') {
                assert!(declared.contains(id), "class on undeclared {id}");
            }
        } else {
            panic!("not a stateDiagram-v2 statement: {line:?}");
        }
    }
    let expected: Vec<(String, String, String)> = TRANSITIONS
        .iter()
        .map(|t| {
            (
                t.from.diagram_id().to_owned(),
                t.to.diagram_id().to_owned(),
                t.event.as_str().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        edges.iter().collect::<BTreeSet<_>>(),
        expected.iter().collect::<BTreeSet<_>>()
    );
    assert_eq!(edges.len(), TRANSITIONS.len(), "an edge drawn twice");
    assert!(
        edges
            .iter()
            .any(|(from, to, _)| from == "[*]" && to == "CREATED")
    );
}

#[test]
fn the_dot_file_is_a_well_formed_digraph_of_the_same_edges() {
    let dot = file("lifecycle.dot");
    let body: Vec<&str> = dot.lines().filter(|l| !l.starts_with("//")).collect();
    assert_eq!(body.first(), Some(&"digraph lifecycle {"));
    assert_eq!(body.last(), Some(&"}"));
    let mut nodes = BTreeSet::new();
    let mut edges = BTreeSet::new();
    let mut count = 0;
    for line in &body[1..body.len() - 1] {
        let statement = line
            .strip_prefix("    ")
            .and_then(|l| l.strip_suffix(';'))
            .unwrap_or_else(|| panic!("not an indented statement: {line:?}"));
        assert_eq!(
            statement.matches('"').count() % 2,
            0,
            "unbalanced quotes: {line:?}"
        );
        let (head, attributes) = match statement.split_once(" [") {
            Some((head, rest)) => (
                head,
                rest.strip_suffix(']')
                    .unwrap_or_else(|| panic!("unclosed attributes: {line:?}")),
            ),
            None => (statement, ""),
        };
        if ["rankdir=LR", "node", "edge"].contains(&head) {
            // Graph, default node and default edge attributes.
        } else if let Some((from, to)) = head.split_once(" -> ") {
            assert!(nodes.contains(from) && nodes.contains(to), "{line:?}");
            assert!(attributes.starts_with("label=\""), "{line:?}");
            let label = attributes["label=\"".len()..]
                .split('"')
                .next()
                .unwrap_or("");
            let event = label.split("\\n").next().unwrap_or("");
            edges.insert((from.to_owned(), to.to_owned(), event.to_owned()));
            count += 1;
        } else {
            assert!(is_id(head), "bad node id: {line:?}");
            nodes.insert(head.to_owned());
        }
    }
    let id = |node: mx_aggregation_tooling::lifecycle::Node| match node.diagram_id() {
        "[*]" => "START".to_owned(),
        other => other.to_owned(),
    };
    let expected: BTreeSet<(String, String, String)> = TRANSITIONS
        .iter()
        .map(|t| (id(t.from), id(t.to), t.event.as_str().to_owned()))
        .collect();
    assert_eq!(edges, expected);
    assert_eq!(count, TRANSITIONS.len());
    for status in ConnectionStatus::ALL {
        assert!(nodes.contains(status.as_str()), "{status} not drawn");
    }
}
