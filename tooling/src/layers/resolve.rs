//! Turns every written path into an import of the file that defines what it names: the
//! deepest module on the path, or, through a hub's `use`, the module that defines the
//! re-exported name.

use std::collections::BTreeMap;

use super::report::Import;
use super::tree::{Crates, ModId};

/// How many re-exports a path may be followed through: far more than any real chain, and
/// a bound on `use` items that name each other.
const MAX_HOPS: usize = 32;

/// Importing file → imported file → the first import (lowest line).
pub(super) fn imports(crates: &Crates) -> BTreeMap<String, BTreeMap<String, Import>> {
    let mut imports: BTreeMap<String, BTreeMap<String, Import>> = BTreeMap::new();
    for written in &crates.paths {
        let Some(target) = resolve(crates, written.scope, &written.segments, 0) else {
            continue;
        };
        let from = &crates.modules[written.scope].file;
        let to = &crates.modules[target].file;
        if from == to {
            continue;
        }
        let import = Import {
            line: written.line,
            path: written.segments.join("::"),
        };
        imports
            .entry(from.clone())
            .or_default()
            .entry(to.clone())
            .and_modify(|first| {
                if import.line < first.line {
                    *first = import.clone();
                }
            })
            .or_insert(import);
    }
    imports
}

/// The module whose file a path written in `scope` imports, or `None` for a path outside
/// the crate (another crate, a local name, a type parameter).
fn resolve(crates: &Crates, scope: ModId, segments: &[String], hops: usize) -> Option<ModId> {
    let (start, rest) = anchor(crates, scope, segments, hops)?;
    walk(crates, start, &rest, hops)
}

/// Where a path starts: `crate`, `self`, `super` (repeated), a child module of `scope`, or a
/// name `scope` brings in with `use` (substituted); the segments after the anchor.
fn anchor(
    crates: &Crates,
    scope: ModId,
    segments: &[String],
    hops: usize,
) -> Option<(ModId, Vec<String>)> {
    let module = &crates.modules[scope];
    let first = segments.first()?;
    match first.as_str() {
        "crate" => Some((module.root, segments[1..].to_vec())),
        "self" | "super" => {
            let mut at = scope;
            let mut taken = 0;
            for segment in segments {
                match segment.as_str() {
                    "self" if taken == 0 => {}
                    "super" => at = crates.modules[at].parent?,
                    _ => break,
                }
                taken += 1;
            }
            Some((at, segments[taken..].to_vec()))
        }
        name if module.children.contains_key(name) => Some((scope, segments.to_vec())),
        name if segments.len() > 1 && hops < MAX_HOPS => {
            let used = module.uses.get(name)?;
            if used.len() == 1 && used[0] == name {
                return None;
            }
            let mut substituted = used.clone();
            substituted.extend_from_slice(&segments[1..]);
            anchor(crates, scope, &substituted, hops + 1)
        }
        _ => None,
    }
}

/// Follows `rest` down from `start`: through child modules, then through a hub's named
/// or glob `use` to the name's definition; `None` when a hub re-exports it from another
/// crate.
fn walk(crates: &Crates, start: ModId, rest: &[String], hops: usize) -> Option<ModId> {
    let mut at = start;
    for (i, segment) in rest.iter().enumerate() {
        let module = &crates.modules[at];
        if let Some(&child) = module.children.get(segment) {
            at = child;
            continue;
        }
        if module.items.contains(segment) || !module.hub || hops >= MAX_HOPS {
            return Some(at);
        }
        if let Some(used) = module.uses.get(segment) {
            let mut target = used.clone();
            target.extend_from_slice(&rest[i + 1..]);
            return resolve(crates, at, &target, hops + 1);
        }
        for glob in &module.globs {
            let Some(globbed) = resolve(crates, at, glob, hops + 1) else {
                continue;
            };
            let source = &crates.modules[globbed];
            if globbed != at
                && (source.children.contains_key(segment)
                    || source.items.contains(segment)
                    || source.uses.contains_key(segment))
            {
                return walk(crates, globbed, &rest[i..], hops + 1);
            }
        }
        return Some(at);
    }
    Some(at)
}
