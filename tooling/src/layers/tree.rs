//! The module trees of a package's crates: which file defines each module, what each
//! module declares (child modules, items, `use` names and globs), and every path written
//! in each file, with the module it is written in.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Spacing, TokenStream, TokenTree};
use syn::visit::Visit;

use super::sources::{CheckError, Sources};

/// A module's index in [`Crates::modules`].
pub(super) type ModId = usize;

/// One module: the file that defines it and the names its body declares.
#[derive(Debug, Default)]
pub(super) struct Module {
    /// The file that defines it (an inline module's is its parent's).
    pub(super) file: String,
    /// The enclosing module; `None` for a crate root.
    pub(super) parent: Option<ModId>,
    /// The crate root above it (itself for a root).
    pub(super) root: ModId,
    /// Its names are followed to their definitions: a crate root, a `mod.rs`, a file that
    /// declares child module files, or a module inline in one of those.
    pub(super) hub: bool,
    /// Child modules by name.
    pub(super) children: BTreeMap<String, ModId>,
    /// Items it defines (types, functions, constants, traits, macros…).
    pub(super) items: BTreeSet<String>,
    /// Names its `use` items bring in → the path as written.
    pub(super) uses: BTreeMap<String, Vec<String>>,
    /// The paths of its glob `use` items, as written.
    pub(super) globs: Vec<Vec<String>>,
}

/// A path written in a file.
#[derive(Debug)]
pub(super) struct WrittenPath {
    /// The module it is written in.
    pub(super) scope: ModId,
    /// Its segments (`crate`, `super`, `self` included).
    pub(super) segments: Vec<String>,
    /// Its line.
    pub(super) line: usize,
}

/// Every crate of a package: the library, the main binary and `bin/*`.
#[derive(Debug, Default)]
pub(super) struct Crates {
    pub(super) modules: Vec<Module>,
    pub(super) paths: Vec<WrittenPath>,
    /// Files that only `#[cfg(test)]` modules declare.
    pub(super) test_files: BTreeSet<String>,
}

impl Crates {
    /// Reads the trees from every crate root in `sources`.
    pub(super) fn build(sources: &Sources) -> Result<Self, CheckError> {
        let roots: Vec<&str> = sources
            .files()
            .map(|(path, _)| path)
            .filter(|path| {
                matches!(*path, "lib.rs" | "main.rs")
                    || path.strip_prefix("bin/").is_some_and(|rest| {
                        !rest.contains('/')
                            || rest.split('/').count() == 2 && rest.ends_with("/main.rs")
                    })
            })
            .collect();
        if roots.is_empty() {
            return Err(CheckError::NoRoot);
        }
        let mut crates = Self::default();
        for root in roots {
            let id = crates.modules.len();
            crates.modules.push(Module {
                file: root.to_owned(),
                root: id,
                hub: true,
                ..Module::default()
            });
            crates.read_file(sources, root, id, false)?;
        }
        Ok(crates)
    }

    /// Every file some crate's module tree reaches.
    pub(super) fn files(&self) -> BTreeSet<&str> {
        self.modules.iter().map(|m| m.file.as_str()).collect()
    }

    fn read_file(
        &mut self,
        sources: &Sources,
        file: &str,
        module: ModId,
        test_only: bool,
    ) -> Result<(), CheckError> {
        if test_only {
            self.test_files.insert(file.to_owned());
        }
        let text = sources.get(file).unwrap_or_default();
        let parsed = parse(file, text)?;
        let dir = dir_of(file);
        // A crate root and a `mod.rs` hold their children beside them; `a/b.rs` in `a/b/`.
        let children_dir = if module == self.modules[module].root || file.ends_with("mod.rs") {
            dir.clone()
        } else {
            format!("{dir}{}/", stem(file))
        };
        let place = Place {
            file,
            file_dir: &dir,
            children_dir,
            inline: false,
            test_only,
        };
        self.read_items(sources, &parsed.items, module, &place)
    }

    fn read_items(
        &mut self,
        sources: &Sources,
        items: &[syn::Item],
        module: ModId,
        place: &Place<'_>,
    ) -> Result<(), CheckError> {
        for item in items {
            match item {
                syn::Item::Mod(m) => self.read_mod(sources, m, module, place)?,
                syn::Item::Use(u) => {
                    let mut leaves = Vec::new();
                    flatten(&u.tree, &mut Vec::new(), &mut leaves);
                    for leaf in leaves {
                        self.paths.push(WrittenPath {
                            scope: module,
                            segments: leaf.path.clone(),
                            line: leaf.line,
                        });
                        match leaf.brings {
                            Brings::Name(name) => {
                                self.modules[module].uses.insert(name, leaf.path);
                            }
                            Brings::Glob => self.modules[module].globs.push(leaf.path),
                            Brings::Nothing => {}
                        }
                    }
                }
                other => {
                    if let Some(name) = item_name(other) {
                        self.modules[module].items.insert(name);
                    }
                    let mut collector = Collector {
                        scope: module,
                        paths: &mut self.paths,
                    };
                    collector.visit_item(other);
                }
            }
        }
        Ok(())
    }

    fn read_mod(
        &mut self,
        sources: &Sources,
        m: &syn::ItemMod,
        parent: ModId,
        place: &Place<'_>,
    ) -> Result<(), CheckError> {
        let name = m.ident.to_string();
        let test_only = place.test_only || is_cfg_test(&m.attrs);
        let root = self.modules[parent].root;
        let id = self.modules.len();
        self.modules[parent].children.insert(name.clone(), id);
        let mut child = Module {
            parent: Some(parent),
            root,
            ..Module::default()
        };
        for attr in &m.attrs {
            let mut collector = Collector {
                scope: parent,
                paths: &mut self.paths,
            };
            collector.visit_attribute(attr);
        }
        match &m.content {
            Some((_, items)) => {
                child.file = place.file.to_owned();
                child.hub = self.modules[parent].hub;
                self.modules.push(child);
                let inner = Place {
                    file: place.file,
                    file_dir: place.file_dir,
                    children_dir: format!("{}{name}/", place.children_dir),
                    inline: true,
                    test_only,
                };
                self.read_items(sources, items, id, &inner)
            }
            None => {
                let candidates = match path_attribute(&m.attrs) {
                    Some(path) => {
                        let base = if place.inline {
                            &place.children_dir
                        } else {
                            place.file_dir
                        };
                        vec![normalise(&format!("{base}{path}"))]
                    }
                    None => vec![
                        format!("{}{name}.rs", place.children_dir),
                        format!("{}{name}/mod.rs", place.children_dir),
                    ],
                };
                let Some(file) = candidates.iter().find(|c| sources.get(c).is_some()) else {
                    return Err(CheckError::MissingModule {
                        file: place.file.to_owned(),
                        line: m.ident.span().start().line,
                        module: name,
                        candidates: candidates.join(" or "),
                    });
                };
                if self.modules[parent].file == place.file {
                    self.modules[parent].hub = true;
                }
                child.file = file.clone();
                child.hub = file.ends_with("mod.rs");
                self.modules.push(child);
                self.read_file(sources, &file.clone(), id, test_only)
            }
        }
    }
}

/// Where items are being read: their file and the folder their child modules live in.
struct Place<'a> {
    file: &'a str,
    file_dir: &'a str,
    children_dir: String,
    inline: bool,
    test_only: bool,
}

/// Parses a file, or names the file and line that does not parse.
pub(super) fn parse(file: &str, text: &str) -> Result<syn::File, CheckError> {
    syn::parse_file(text).map_err(|e| CheckError::Parse {
        file: file.to_owned(),
        line: e.span().start().line,
        message: e.to_string(),
    })
}

/// `#[cfg(test)]`.
pub(super) fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && matches!(&attr.meta, syn::Meta::List(list) if list.tokens.to_string() == "test")
    })
}

fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// `a/b/c.rs` → `a/b/`; `lib.rs` → ``.
fn dir_of(file: &str) -> String {
    file.rfind('/')
        .map_or_else(String::new, |i| file[..=i].to_owned())
}

fn stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.strip_suffix(".rs").unwrap_or(name)
}

/// Resolves `.` and `..` segments of a relative path.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Const(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::ExternCrate(i) => i.rename.as_ref().map_or(&i.ident, |(_, r)| r),
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Macro(i) => i.ident.as_ref()?,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::TraitAlias(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

/// One leaf of a `use` tree: the full path and what it brings into scope.
struct UseLeaf {
    path: Vec<String>,
    brings: Brings,
    line: usize,
}

/// What a `use` leaf brings into scope.
enum Brings {
    /// A name (the last segment, or its rename).
    Name(String),
    /// Every public name of a module (`*`).
    Glob,
    /// Nothing nameable: `use x as _;` imports a trait for its methods only.
    Nothing,
}

fn flatten(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<UseLeaf>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => out.push(leaf(prefix, &n.ident, None)),
        syn::UseTree::Rename(r) => out.push(leaf(prefix, &r.ident, Some(&r.rename))),
        syn::UseTree::Glob(g) => out.push(UseLeaf {
            path: prefix.clone(),
            brings: Brings::Glob,
            line: g.star_token.spans[0].start().line,
        }),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                flatten(tree, prefix, out);
            }
        }
    }
}

fn leaf(prefix: &[String], ident: &syn::Ident, rename: Option<&syn::Ident>) -> UseLeaf {
    let mut path = prefix.to_vec();
    let written = ident.to_string();
    // `use a::b::{self}` names `b`.
    let own_name = if written == "self" {
        path.last().cloned().unwrap_or(written)
    } else {
        path.push(written.clone());
        written
    };
    let brings = match rename.map(ToString::to_string) {
        Some(underscore) if underscore == "_" => Brings::Nothing,
        Some(rename) => Brings::Name(rename),
        None => Brings::Name(own_name),
    };
    UseLeaf {
        path,
        brings,
        line: ident.span().start().line,
    }
}

/// Collects the paths written in an item: in expressions, types, patterns, nested `use`
/// items and the tokens of macro calls.
struct Collector<'a> {
    scope: ModId,
    paths: &'a mut Vec<WrittenPath>,
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.len() > 1 {
            self.paths.push(WrittenPath {
                scope: self.scope,
                segments: path.segments.iter().map(|s| s.ident.to_string()).collect(),
                line: path.segments[0].ident.span().start().line,
            });
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut leaves = Vec::new();
        flatten(&item.tree, &mut Vec::new(), &mut leaves);
        for leaf in leaves {
            self.paths.push(WrittenPath {
                scope: self.scope,
                segments: leaf.path,
                line: leaf.line,
            });
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.visit_path(&mac.path);
        macro_paths(mac.tokens.clone(), self.scope, self.paths);
    }

    // Attributes hold doc text and configuration, not imports.
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}
}

/// Paths `a::b::c` in a macro call's tokens (not `$crate::…`).
fn macro_paths(tokens: TokenStream, scope: ModId, out: &mut Vec<WrittenPath>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(group) => macro_paths(group.stream(), scope, out),
            TokenTree::Ident(ident) => {
                let after_sep = i >= 2 && is_path_sep(&tokens[i - 2], &tokens[i - 1]);
                let after_dollar =
                    i >= 1 && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '$');
                if !after_sep && !after_dollar {
                    let mut segments = vec![ident.to_string()];
                    let mut j = i + 1;
                    while j + 2 < tokens.len() && is_path_sep(&tokens[j], &tokens[j + 1]) {
                        let TokenTree::Ident(next) = &tokens[j + 2] else {
                            break;
                        };
                        segments.push(next.to_string());
                        j += 3;
                    }
                    if segments.len() > 1 {
                        out.push(WrittenPath {
                            scope,
                            segments,
                            line: ident.span().start().line,
                        });
                    }
                }
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
        i += 1;
    }
}

fn is_path_sep(a: &TokenTree, b: &TokenTree) -> bool {
    matches!((a, b), (TokenTree::Punct(a), TokenTree::Punct(b))
        if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':')
}
