//! Reading a spec file: YAML into the serde model, with source positions.
//!
//! serde_yaml gives the typed [`Spec`] (and the position of the first shape
//! error, if any). A second, event-level pass with yaml-rust2 records the line
//! and column of every key and value by path, so later stages can point at the
//! exact place of a problem (`endpoints/purchase/response`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diag::{typo_hint, Diagnostic, Pos};
use crate::spec::Spec;

/// A spec with its source and positions.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file read.
    pub file: PathBuf,
    /// Its text.
    pub source: String,
    /// Its content.
    pub spec: Spec,
    /// Where each key and value sits.
    pub positions: Positions,
}

impl Loaded {
    /// The module name: the file stem.
    pub fn stem(&self) -> String {
        self.file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// A diagnostic at the value under `path` (or its nearest ancestor).
    pub fn at(&self, path: &[&str], message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(
            &self.file,
            &self.source,
            self.positions.value(path),
            message,
        )
    }

    /// A diagnostic at the value under `path`, which may reach into an
    /// example's JSON; see [`Positions::nearest_value`].
    pub fn at_nested<S: AsRef<str>>(&self, path: &[S], message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(
            &self.file,
            &self.source,
            self.positions.nearest_value(path),
            message,
        )
    }

    /// A diagnostic at the key of `path` (or its nearest ancestor).
    pub fn at_key(&self, path: &[&str], message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.file, &self.source, self.positions.key(path), message)
    }
}

/// Positions of keys and values by path (mapping keys and sequence indices).
#[derive(Debug, Clone, Default)]
pub struct Positions {
    keys: HashMap<String, Pos>,
    values: HashMap<String, Pos>,
}

const SEP: char = '\u{1f}';

fn join<S: AsRef<str>>(path: &[S]) -> String {
    let mut out = String::new();
    for (i, part) in path.iter().enumerate() {
        if i > 0 {
            out.push(SEP);
        }
        out.push_str(part.as_ref());
    }
    out
}

impl Positions {
    /// Position of the value at `path`, or of the closest ancestor that has one.
    pub fn value(&self, path: &[&str]) -> Pos {
        if let Some(p) = self.values.get(&join(path)) {
            return *p;
        }
        // An absent entry: point at the key of the closest ancestor that has one.
        for n in (0..path.len()).rev() {
            let k = join(&path[..n]);
            if let Some(p) = self.keys.get(&k).or_else(|| self.values.get(&k)) {
                return *p;
            }
        }
        Pos {
            line: 1,
            column: 1,
            len: 1,
        }
    }

    /// Position of the value at `path`, which may reach deep into a value
    /// (an example's JSON: `.../body/items/2/price`), or when that value has
    /// no position of its own (it sits inside a quoted string), of the nearest
    /// enclosing value that has one.
    pub fn nearest_value<S: AsRef<str>>(&self, path: &[S]) -> Pos {
        for n in (1..=path.len()).rev() {
            if let Some(p) = self.values.get(&join(&path[..n])) {
                return *p;
            }
        }
        let none: [&str; 0] = [];
        self.value(&none)
    }

    /// Position of the key at `path` (falls back to the value, then ancestors).
    pub fn key(&self, path: &[&str]) -> Pos {
        if let Some(p) = self.keys.get(&join(path)) {
            return *p;
        }
        self.value(path)
    }
}

struct Frame {
    /// Path component of this container (None for the root).
    comp: Option<String>,
    /// The container's own path, under which its value position is recorded
    /// (None for a container written as a key).
    path: Option<String>,
    kind: FrameKind,
}

enum FrameKind {
    Map {
        /// The key whose value comes next.
        key: Option<String>,
        /// No key seen yet.
        first: bool,
        /// A flow mapping (`{...}`), known once the first key is seen.
        flow: bool,
        /// The last value was a plain scalar: a key right after it may be
        /// the rest of that scalar, cut at a `, `.
        plain: Option<Plain>,
        /// This key continues a split scalar (its group in `Recorder::splits`).
        cont: Option<usize>,
    },
    Seq {
        next: usize,
    },
}

/// A plain scalar value in a flow mapping, and the key it belongs to.
struct Plain {
    key: String,
    text: String,
    /// The split group it already belongs to, if it was itself split.
    group: Option<usize>,
}

/// A plain scalar in a flow mapping that YAML cut at `, ` into a value and
/// keys of their own (`{ description: Hello, world }`: `world` is a key).
#[derive(Debug, Clone)]
pub(crate) struct Split {
    /// The key whose value was cut (`description`).
    pub key: String,
    /// The pieces: the value YAML kept, then each key split off.
    pub pieces: Vec<String>,
}

#[derive(Default)]
struct Recorder {
    stack: Vec<Frame>,
    pos: Positions,
    aliases: Aliases,
    splits: Vec<Split>,
    /// Each key split off a plain scalar, by position: its group in `splits`.
    split_keys: HashMap<(usize, usize), usize>,
}

/// serde_yaml's alias expansion, replayed on the events so that its
/// "repetition limit exceeded" (which has no position) can point at the alias
/// that blew the limit. serde_yaml follows every alias (a jump), reads the
/// anchored node again, following the aliases inside it too, and gives up once
/// it has made more than 100 jumps per event of the document.
#[derive(Default)]
struct Aliases {
    /// Events in the document, as serde_yaml counts them.
    events: u64,
    /// Jumps made inside the node of each anchor when it is read once.
    inside: HashMap<usize, u64>,
    /// Where each anchored node starts.
    anchors: HashMap<usize, Pos>,
    /// Open containers: their anchor (0: none) and the jumps inside them so far.
    open: Vec<(usize, u64)>,
    /// Jumps so far, in document order.
    total: u64,
    /// Each alias: where, its anchor, and the jumps made up to and including it.
    uses: Vec<(Pos, usize, u64)>,
}

impl Aliases {
    fn alias(&mut self, id: usize, pos: Pos) {
        let cost = self.inside.get(&id).copied().unwrap_or(0).saturating_add(1);
        if let Some((_, n)) = self.open.last_mut() {
            *n = n.saturating_add(cost);
        }
        self.total = self.total.saturating_add(cost);
        self.uses.push((pos, id, self.total));
    }

    fn anchor(&mut self, id: usize, pos: Pos) {
        if id != 0 {
            self.anchors.insert(id, pos);
            self.inside.insert(id, 0);
        }
    }

    fn close(&mut self) {
        if let Some((id, n)) = self.open.pop() {
            if id != 0 {
                self.inside.insert(id, n);
            }
            if let Some((_, parent)) = self.open.last_mut() {
                *parent = parent.saturating_add(n);
            }
        }
    }

    /// The alias at which serde_yaml gives up (the first past its limit, or
    /// the one that expands most), with its anchor's position.
    fn culprit(&self) -> Option<(Pos, Option<Pos>, u64)> {
        let limit = self.events.saturating_mul(100);
        let (pos, id, _) = self
            .uses
            .iter()
            .find(|(_, _, total)| *total > limit)
            .or_else(|| {
                self.uses
                    .iter()
                    .max_by_key(|(_, id, _)| self.inside.get(id).copied().unwrap_or(0))
            })?;
        Some((*pos, self.anchors.get(id).copied(), limit))
    }
}

impl Recorder {
    fn path_with(&self, last: &str) -> String {
        let mut parts: Vec<&str> = self
            .stack
            .iter()
            .filter_map(|f| f.comp.as_deref())
            .collect();
        parts.push(last);
        join(&parts)
    }

    /// The path of a container starting now: `comp` under the current one.
    fn container_path(&self, comp: Option<&str>) -> Option<String> {
        match comp {
            Some(c) => Some(self.path_with(c)),
            None if self.stack.is_empty() => Some(String::new()),
            None => None,
        }
    }

    /// A value (scalar or container start) at `mark`. Returns the path
    /// component for a container that starts here.
    fn node(
        &mut self,
        mark: Marker,
        len: usize,
        scalar: Option<&str>,
        plain_scalar: bool,
    ) -> Option<String> {
        let pos = Pos {
            line: mark.line(),
            column: mark.col() + 1,
            len,
        };
        let Some(top) = self.stack.last_mut() else {
            self.pos.values.insert(String::new(), pos);
            return None;
        };
        let comp = match &mut top.kind {
            FrameKind::Map {
                key,
                first,
                flow,
                plain,
                cont,
            } if key.is_none() => {
                // This node is a key.
                let k = scalar.unwrap_or("?").to_owned();
                *key = Some(k.clone());
                // yaml-rust2 starts a block mapping at its first `:`, after
                // the first key: the mapping starts where that key does. A
                // flow mapping starts at its `{`, before it.
                if std::mem::take(first) {
                    let at = top.path.as_deref().and_then(|p| self.pos.values.get_mut(p));
                    if let Some(v) = at {
                        if (pos.line, pos.column) < (v.line, v.column) {
                            *v = Pos { len: 1, ..pos };
                        } else {
                            *flow = true;
                        }
                    }
                }
                *cont = None;
                if let Some(before) = plain.take().filter(|_| *flow && plain_scalar) {
                    let group = match before.group {
                        Some(g) => g,
                        None => {
                            self.splits.push(Split {
                                key: before.key,
                                pieces: vec![before.text],
                            });
                            self.splits.len() - 1
                        }
                    };
                    if let Some(split) = self.splits.get_mut(group) {
                        split.pieces.push(k.clone());
                    }
                    self.split_keys.insert((pos.line, pos.column), group);
                    *cont = Some(group);
                }
                let path = self.path_with(&k);
                self.pos.keys.insert(path, pos);
                return None;
            }
            FrameKind::Map {
                key, plain, cont, ..
            } => {
                let k = key.take().unwrap_or_default();
                let group = cont.take();
                *plain = match scalar.filter(|_| plain_scalar) {
                    // A key with no value (`world` in `Hello, world }`): a
                    // further `, more` continues the same scalar.
                    Some("") if group.is_some() => Some(Plain {
                        key: k.clone(),
                        text: String::new(),
                        group,
                    }),
                    // A null (`~`, or a key with no value) is no text to cut.
                    Some("" | "~") => None,
                    Some(text) => Some(Plain {
                        key: k.clone(),
                        text: text.to_owned(),
                        group: None,
                    }),
                    None => None,
                };
                k
            }
            FrameKind::Seq { next } => {
                *next += 1;
                (*next - 1).to_string()
            }
        };
        let path = self.path_with(&comp);
        self.pos.values.insert(path, pos);
        Some(comp)
    }
}

impl MarkedEventReceiver for Recorder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = Pos {
            line: mark.line(),
            column: mark.col() + 1,
            len: 1,
        };
        match &ev {
            Event::Scalar(_, _, id, _) => self.aliases.anchor(*id, at),
            Event::Alias(id) => self.aliases.alias(*id, at),
            Event::MappingStart(id, _) | Event::SequenceStart(id, _) => {
                self.aliases.anchor(*id, at);
                self.aliases.open.push((*id, 0));
            }
            Event::MappingEnd | Event::SequenceEnd => self.aliases.close(),
            _ => {}
        }
        if matches!(
            ev,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
                | Event::MappingEnd
                | Event::SequenceEnd
        ) {
            self.aliases.events += 1;
        }
        match ev {
            Event::Scalar(v, style, ..) => {
                let quotes = matches!(
                    style,
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
                );
                let len = if matches!(style, TScalarStyle::Literal | TScalarStyle::Folded) {
                    1
                } else {
                    v.chars().count() + if quotes { 2 } else { 0 }
                };
                self.node(mark, len, Some(&v), style == TScalarStyle::Plain);
            }
            Event::Alias(_) => {
                self.node(mark, 1, None, false);
            }
            Event::MappingStart(..) => {
                let comp = self.node(mark, 1, None, false);
                let path = self.container_path(comp.as_deref());
                self.stack.push(Frame {
                    comp,
                    path,
                    kind: FrameKind::Map {
                        key: None,
                        first: true,
                        flow: false,
                        plain: None,
                        cont: None,
                    },
                });
            }
            Event::SequenceStart(..) => {
                let comp = self.node(mark, 1, None, false);
                let path = self.container_path(comp.as_deref());
                self.stack.push(Frame {
                    comp,
                    path,
                    kind: FrameKind::Seq { next: 0 },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

/// Records the position of every key and value of `source`.
#[cfg(test)]
fn positions(source: &str) -> Result<Positions, (Pos, String)> {
    recorded(source).map(|r| r.pos)
}

/// The event pass over `source`: positions, and the alias replay.
fn recorded(source: &str) -> Result<Recorder, (Pos, String)> {
    let mut rec = Recorder::default();
    let mut parser = Parser::new_from_str(source);
    parser.load(&mut rec, false).map_err(|e| {
        let m = e.marker();
        (
            Pos {
                line: m.line(),
                column: m.col() + 1,
                len: 1,
            },
            e.info().to_owned(),
        )
    })?;
    Ok(rec)
}

/// Reads and parses one spec file.
pub fn load_file(file: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    match std::fs::read_to_string(file) {
        Ok(source) => load_str(file, source),
        Err(e) => Err(vec![Diagnostic::new(
            file,
            "",
            Pos {
                line: 1,
                column: 1,
                len: 1,
            },
            format!("cannot read the spec: {e}"),
        )]),
    }
}

/// Parses spec text; `file` is used for positions and the module name.
pub fn load_str(file: &Path, source: String) -> Result<Loaded, Vec<Diagnostic>> {
    let top = Pos {
        line: 1,
        column: 1,
        len: 1,
    };
    if source.trim().is_empty() {
        return Err(vec![Diagnostic::new(file, &source, top, "the spec is empty")
            .with_hint("a spec needs at least `provider:` (with `name:`) and `endpoints:`; see docs/spec-format.md")]);
    }
    let recorder = match recorded(&source) {
        Ok(r) => r,
        Err((pos, info)) => {
            return Err(vec![Diagnostic::new(file, &source, pos, format!("YAML syntax error: {info}"))
                .with_hint("check indentation, quotes and brackets on this line and the one before; JSON pasted from docs must be valid JSON")]);
        }
    };
    match serde_yaml::from_str::<Spec>(&source) {
        Ok(spec) => Ok(Loaded {
            file: file.to_owned(),
            source,
            spec,
            positions: recorder.pos,
        }),
        Err(e) if e.location().is_none() && e.to_string() == "repetition limit exceeded" => {
            Err(vec![alias_bomb(file, &source, &recorder.aliases)])
        }
        Err(e) => Err(vec![shape_error(file, &source, &e, &recorder)]),
    }
}

/// serde_yaml's "repetition limit exceeded", at the alias that exceeded it.
fn alias_bomb(file: &Path, source: &str, aliases: &Aliases) -> Diagnostic {
    let top = Pos {
        line: 1,
        column: 1,
        len: 1,
    };
    let hint = "each alias repeats the whole anchored value, and aliases of aliases multiply (a \"billion laughs\"): write the values out, or alias only small values";
    let Some((mut pos, anchor, limit)) = aliases.culprit() else {
        return Diagnostic::new(
            file,
            source,
            top,
            "YAML aliases expand too far (repetition limit exceeded)",
        )
        .with_hint(hint);
    };
    // The alias as written (`*name`), to underline and to name it.
    let name: String = source
        .lines()
        .nth(pos.line.saturating_sub(1))
        .and_then(|l| l.get(l.char_indices().nth(pos.column - 1)?.0..))
        .filter(|t| t.starts_with('*'))
        .map(|t| {
            t.chars()
                .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                .collect()
        })
        .unwrap_or_default();
    pos.len = name.chars().count().max(1);
    let what = if name.is_empty() {
        "this alias".to_owned()
    } else {
        format!("the alias `{name}`")
    };
    let anchor = match anchor {
        Some(a) if !name.is_empty() => format!(" (anchor `&{}` on line {})", &name[1..], a.line),
        Some(a) => format!(" (its anchor is on line {})", a.line),
        None => String::new(),
    };
    Diagnostic::new(
        file,
        source,
        pos,
        format!("YAML aliases expand too far: expanding {what}{anchor} follows more than {limit} aliases in all, the limit for a document of this size"),
    )
    .with_hint(hint)
}

/// Turns a serde_yaml error into a diagnostic with a hint.
fn shape_error(file: &Path, source: &str, e: &serde_yaml::Error, rec: &Recorder) -> Diagnostic {
    let pos = e
        .location()
        .map(|l| Pos {
            line: l.line(),
            column: l.column(),
            len: 1,
        })
        .unwrap_or(Pos {
            line: 1,
            column: 1,
            len: 1,
        });
    let full = e.to_string();
    // serde_yaml appends " at line L column C"; the position is shown separately.
    let msg = match full.rfind(" at line ") {
        Some(i) => full[..i].to_owned(),
        None => full.clone(),
    };
    let mut pos = pos;
    let mut hint = None;
    for what in ["unknown field", "unknown variant"] {
        if let Some(rest) = msg.split(&format!("{what} `")).nth(1) {
            let word = rest.split('`').next().unwrap_or_default();
            let expected: Vec<&str> = rest
                .split("expected one of ")
                .nth(1)
                .or_else(|| rest.split("expected ").nth(1))
                .map(|list| list.split(", ").map(|w| w.trim_matches('`')).collect())
                .unwrap_or_default();
            pos.len = word.chars().count().max(1);
            hint = split_hint(source, rec, pos, word)
                .or_else(|| {
                    let unknown_field = what == "unknown field";
                    unknown_field.then(|| misplaced_entry(source, rec, pos, word, &expected))?
                })
                .or_else(|| typo_hint(word, &expected));
        }
    }
    if msg.contains("expected struct Spec") {
        hint = Some(
            "a spec is a mapping with `provider:` and `endpoints:` at the top level".to_owned(),
        );
    }
    if msg.contains("missing field") {
        hint = Some("add the field; see docs/spec-format.md for what each block needs".to_owned());
    }
    let d = Diagnostic::new(file, source, pos, msg);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// The hint for a key that YAML cut off a plain scalar at `, ` inside
/// `{...}` (`{ description: Hello, world }` reads `world` as a key).
fn split_hint(source: &str, rec: &Recorder, pos: Pos, word: &str) -> Option<String> {
    let split = rec
        .splits
        .get(*rec.split_keys.get(&(pos.line, pos.column))?)?;
    // `world: x` is a key written as one, not a piece of the value before it.
    let line = source.lines().nth(pos.line.checked_sub(1)?)?;
    let after: String = line
        .chars()
        .skip(pos.column.saturating_sub(1) + word.chars().count())
        .collect();
    if after.trim_start().starts_with(':') {
        return None;
    }
    let kept = split.pieces.first()?;
    let whole = split
        .pieces
        .join(", ")
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    Some(format!(
        "a plain (unquoted) value with `, ` inside `{{...}}` is cut there: YAML read `{}: {kept}` and then `{word}` as a key of its own; quote the value: `{}: \"{whole}\"`",
        split.key, split.key
    ))
}

/// Maps of user-named entries whose entries are blocks, by the key that holds
/// them, with what an entry is called and whether a value looks like one.
type LooksLike = fn(&serde_yaml::Value) -> bool;
const ENTRY_MAPS: &[(&str, &str, LooksLike)] = &[
    ("fields", "a field", |v| entry::<crate::spec::Field>(v)),
    ("params", "a parameter", |v| entry::<crate::spec::Field>(v)),
    ("endpoints", "an endpoint", |v| {
        entry::<crate::spec::Endpoint>(v)
    }),
    ("models", "a model", |v| {
        entry::<crate::spec::Model>(v)
            && ["fields", "enum", "one_of"]
                .iter()
                .any(|k| v.get(k).is_some())
    }),
    ("credentials", "a credential", |v| {
        entry::<crate::spec::Credential>(v)
    }),
    ("callbacks", "a callback", |v| {
        entry::<crate::spec::Callback>(v)
    }),
];

/// `v` is a non-empty mapping that reads as a `T`.
fn entry<T: serde::de::DeserializeOwned>(v: &serde_yaml::Value) -> bool {
    v.as_mapping().is_some_and(|m| !m.is_empty()) && serde_yaml::from_value::<T>(v.clone()).is_ok()
}

/// The hint for an unknown key of a block that has a map of user-named
/// entries (`fields:`, `params:`, ...), when the key's value looks like one of
/// those entries: it was written one level too far out.
fn misplaced_entry(
    source: &str,
    rec: &Recorder,
    pos: Pos,
    word: &str,
    expected: &[&str],
) -> Option<String> {
    let path = rec
        .pos
        .keys
        .iter()
        .find(|(_, p)| (p.line, p.column) == (pos.line, pos.column))
        .map(|(path, _)| path)?;
    let root: serde_yaml::Value = serde_yaml::from_str(source).ok()?;
    let value = path.split(SEP).try_fold(&root, |v, step| match v {
        serde_yaml::Value::Mapping(m) => m.iter().find_map(|(k, x)| {
            let name = match k {
                serde_yaml::Value::String(s) => s.clone(),
                serde_yaml::Value::Number(n) => n.to_string(),
                serde_yaml::Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            (name == step).then_some(x)
        }),
        serde_yaml::Value::Sequence(items) => items.get(step.parse::<usize>().ok()?),
        _ => None,
    })?;
    let (map, what, _) = ENTRY_MAPS
        .iter()
        .find(|(map, _, looks)| expected.contains(map) && looks(value))?;
    Some(format!(
        "`{word}` looks like {what}, but it sits beside `{map}:` instead of in it: indent it under `{map}:`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_and_values() {
        let src = "provider:\n  name: X\nendpoints:\n  a:\n    method: GET\n    path: /x\n    params:\n      - 1\n";
        let p = positions(src).unwrap();
        assert_eq!(
            p.value(&["provider", "name"]),
            Pos {
                line: 2,
                column: 9,
                len: 1
            }
        );
        assert_eq!(
            p.key(&["endpoints", "a", "method"]),
            Pos {
                line: 5,
                column: 5,
                len: 6
            }
        );
        assert_eq!(p.value(&["endpoints", "a", "params", "0"]).line, 8);
        assert_eq!(p.value(&["endpoints", "a", "nothing"]).line, 4);
    }

    #[test]
    fn a_block_mapping_starts_at_its_first_key() {
        // yaml-rust2 starts a block mapping at its first `:`.
        let src = "a:\n  b:\n    cc: 1\n    d: 2\nf: {g: 1}\n";
        let p = positions(src).unwrap();
        let at = |path: &[&str]| {
            let v = p.value(path);
            (v.line, v.column)
        };
        assert_eq!(at(&[]), (1, 1));
        assert_eq!(at(&["a"]), (2, 3));
        assert_eq!(at(&["a", "b"]), (3, 5));
        assert_eq!(at(&["f"]), (5, 4));
    }

    #[test]
    fn nested_values_resolve_or_fall_back_to_the_nearest_value() {
        let src = "x: &v\n  items: [1, {k: 2}]\ny: *v\nz: '{\"k\": 1}'\n";
        let p = positions(src).unwrap();
        let at = |path: &[&str]| {
            let v = p.nearest_value(path);
            (v.line, v.column)
        };
        assert_eq!(at(&["x", "items", "1", "k"]), (2, 18));
        // Through an alias, and inside a quoted string: no position of their own.
        assert_eq!(at(&["y", "items", "1", "k"]), (3, 4));
        assert_eq!(at(&["z", "k"]), (4, 4));
        assert_eq!(at(&["nowhere", "at", "all"]), (1, 1));
    }

    fn hint(src: &str) -> Option<String> {
        let err = load_str(Path::new("x.yaml"), src.to_owned()).unwrap_err();
        err[0].hint.clone()
    }

    #[test]
    fn a_plain_value_cut_at_a_comma_is_explained() {
        let head = "provider:\n  name: X\nendpoints:\n  a:\n    method: GET\n    path: /x\n";
        let h = hint(&format!(
            "{head}    params: {{ n: {{ type: string, description: Hello, big, world }} }}\n"
        ))
        .unwrap();
        assert!(h.contains("`description: \"Hello, big, world\"`"), "{h}");
        assert!(!h.contains("expected one of"), "{h}");
        // A key written with its own `:` is a key, not a piece of a value.
        let h = hint(&format!(
            "{head}    params: {{ n: {{ type: string, description: Hi, tpye: x }} }}\n"
        ));
        assert_eq!(h.as_deref(), Some("did you mean `type`?"));
        // Block style, and quoted values, are never cut.
        let h = hint(&format!(
            "{head}    params: {{ n: {{ type: string, description: 'Hi', zzzzzz }} }}\n"
        ));
        assert_eq!(h, None);
    }

    #[test]
    fn an_entry_written_beside_its_map_is_told_to_indent() {
        let src = "provider:\n  name: X\nmodels:\n  M:\n    fields:\n      a: { type: string }\n    b: { type: string }\nendpoints: {}\n";
        assert!(hint(src).unwrap().ends_with("indent it under `fields:`"));
        // A value that is no field: no such hint (and the key list is in the
        // message already, so none is repeated).
        let src = "provider:\n  name: X\nmodels:\n  M:\n    fields:\n      a: { type: string }\n    b: 1\nendpoints: {}\n";
        assert_eq!(hint(src), None);
        // A typo of a fixed key still reads as one.
        let src = "provider:\n  name: X\nendpoints:\n  a:\n    methd: GET\n    path: /x\n";
        assert_eq!(hint(src).as_deref(), Some("did you mean `method`?"));
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let src = "provider:\n  name: X\n  descripton: y\nendpoints: {}\n";
        let err = load_str(Path::new("x.yaml"), src.to_owned()).unwrap_err();
        assert_eq!(err[0].pos.line, 3);
        assert_eq!(err[0].hint.as_deref(), Some("did you mean `description`?"));
    }
}
