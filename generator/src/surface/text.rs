//! The text form of a surface, `generated/<module>.api.txt`: rendering and parsing back.
//!
//! One line per item (names that contain spaces or quotes are JSON strings), a blank line
//! before each operation and type:
//!
//! ```text
//! op <method_name> <HTTP method> <path> [deprecated]
//! op <method_name> param <wire name> <path|query|header|cookie> <Rust type> <required|optional>
//! op <method_name> body <json|form|multipart|text|binary> <Rust type> <required|optional>
//! op <method_name> response <status> <success|error> <Rust type>
//! type <Name> struct
//! type <Name> field <JSON name> <Rust type> <required|optional> [nullable]
//! type <Name> additional <Rust type>
//! type <Name> enum <string|integer|mixed>
//! type <Name> value <Variant> <"string", integer or other JSON scalar>
//! type <Name> union <untagged|by <property>>
//! type <Name> variant <Variant> <Rust type> [<tag>...]
//! type <Name> alias <Rust type>
//! ```

use std::fmt::Write;

use super::model::{
    Body, EnumMember, Field, Operation, Param, Response, Shape, Surface, Type, Variant,
};
use crate::ir::EnumValue;

impl Surface {
    /// The text form: one item per line, a blank line before each operation and type.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for op in &self.operations {
            render_operation(&mut out, op);
        }
        for t in &self.types {
            render_type(&mut out, t);
        }
        out
    }

    /// The file `generated/<module>.api.txt`: comment lines (the generator's preamble and a
    /// note on the format), then [`Surface::render`].
    pub fn render_file(&self, preamble: &str, module: &str) -> String {
        let mut out = String::new();
        for line in preamble.lines() {
            let _ = writeln!(out, "# {}", line.trim_start_matches("//").trim_start());
        }
        let _ = writeln!(
            out,
            "# The API surface of `{module}`: each operation and type of the client, one item per line."
        );
        let _ = writeln!(
            out,
            "# `cargo xtask codegen` compares it with the new one and reports breaking changes."
        );
        out.push_str(&self.render());
        out
    }

    /// Reads [`Surface::render`]'s text back. Blank lines and lines starting with `#` are
    /// skipped; an error names the line.
    pub fn parse(text: &str) -> Result<Surface, String> {
        let mut surface = Surface::default();
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            parse_line(&mut surface, trimmed)
                .map_err(|message| format!("line {}: {message}: `{trimmed}`", index + 1))?;
        }
        Ok(surface)
    }
}

/// `required` or `optional`.
pub(super) fn required_text(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn render_operation(out: &mut String, op: &Operation) {
    let name = token(&op.name);
    let deprecated = if op.deprecated { " deprecated" } else { "" };
    let _ = writeln!(
        out,
        "\nop {name} {} {}{deprecated}",
        token(&op.method),
        token(&op.path)
    );
    for p in &op.params {
        let _ = writeln!(
            out,
            "op {name} param {} {} {} {}",
            token(&p.name),
            token(&p.location),
            token(&p.ty),
            required_text(p.required)
        );
    }
    if let Some(b) = &op.body {
        let _ = writeln!(
            out,
            "op {name} body {} {} {}",
            token(&b.media),
            token(&b.ty),
            required_text(b.required)
        );
    }
    for r in &op.responses {
        let _ = writeln!(
            out,
            "op {name} response {} {} {}",
            token(&r.status),
            r.outcome(),
            token(&r.ty)
        );
    }
}

fn render_type(out: &mut String, t: &Type) {
    let name = token(&t.name);
    match &t.shape {
        Shape::Struct { fields, additional } => {
            let _ = writeln!(out, "\ntype {name} struct");
            for f in fields {
                let nullable = if f.nullable { " nullable" } else { "" };
                let _ = writeln!(
                    out,
                    "type {name} field {} {} {}{nullable}",
                    token(&f.name),
                    token(&f.ty),
                    required_text(f.required)
                );
            }
            if let Some(extra) = additional {
                let _ = writeln!(out, "type {name} additional {}", token(extra));
            }
        }
        Shape::Enum { repr, values } => {
            let _ = writeln!(out, "\ntype {name} enum {}", token(repr));
            for v in values {
                let _ = writeln!(out, "type {name} value {} {}", token(&v.variant), v.value);
            }
        }
        Shape::Union {
            discriminator,
            variants,
        } => {
            let by = match discriminator {
                Some(d) => format!("by {}", token(d)),
                None => "untagged".into(),
            };
            let _ = writeln!(out, "\ntype {name} union {by}");
            for v in variants {
                let mut line = format!("type {name} variant {} {}", token(&v.name), token(&v.ty));
                for tag in &v.tags {
                    line.push(' ');
                    line.push_str(&token(tag));
                }
                let _ = writeln!(out, "{line}");
            }
        }
        Shape::Alias(ty) => {
            let _ = writeln!(out, "\ntype {name} alias {}", token(ty));
        }
    }
}

/// A name as one token: bare when it is plain, a JSON string otherwise.
fn token(text: &str) -> String {
    let plain = !text.is_empty()
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"');
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

#[derive(Debug)]
struct Token {
    text: String,
    quoted: bool,
}

fn tokenize(line: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        if rest.starts_with('"') {
            let mut escaped = false;
            let mut end = None;
            for (i, c) in rest.char_indices().skip(1) {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let end = end.ok_or("unterminated string")?;
            let text: String = serde_json::from_str(&rest[..=end])
                .map_err(|e| format!("bad string literal ({e})"))?;
            tokens.push(Token { text, quoted: true });
            rest = rest[end + 1..].trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            tokens.push(Token {
                text: rest[..end].to_string(),
                quoted: false,
            });
            rest = rest[end..].trim_start();
        }
    }
    Ok(tokens)
}

fn parse_required(token: &str) -> Result<bool, String> {
    match token {
        "required" => Ok(true),
        "optional" => Ok(false),
        other => Err(format!(
            "expected `required` or `optional`, found `{other}`"
        )),
    }
}

fn parse_line(surface: &mut Surface, line: &str) -> Result<(), String> {
    let tokens = tokenize(line)?;
    let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    match words.as_slice() {
        ["op", name, rest @ ..] => parse_operation_line(surface, name, rest),
        ["type", name, rest @ ..] => {
            // The fifth token of a `value` line is the literal; its quoting decides its kind.
            let literal = tokens.get(4);
            parse_type_line(surface, name, rest, literal)
        }
        _ => Err("not an item of an API surface".into()),
    }
}

fn parse_operation_line(surface: &mut Surface, name: &str, words: &[&str]) -> Result<(), String> {
    match words {
        ["param", wire, location, ty, required] => {
            let required = parse_required(required)?;
            last_operation(surface, name)?.params.push(Param {
                name: wire.to_string(),
                location: location.to_string(),
                ty: ty.to_string(),
                required,
            });
        }
        ["body", media, ty, required] => {
            let required = parse_required(required)?;
            let op = last_operation(surface, name)?;
            if op.body.is_some() {
                return Err("a second request body".into());
            }
            op.body = Some(Body {
                media: media.to_string(),
                ty: ty.to_string(),
                required,
            });
        }
        ["response", status, kind, ty] => {
            let success = match *kind {
                "success" => true,
                "error" => false,
                other => return Err(format!("expected `success` or `error`, found `{other}`")),
            };
            last_operation(surface, name)?.responses.push(Response {
                status: status.to_string(),
                success,
                ty: ty.to_string(),
            });
        }
        [method, path, flags @ ..] => {
            let deprecated = match flags {
                [] => false,
                ["deprecated"] => true,
                _ => return Err("unexpected words after the path".into()),
            };
            if surface.operations.iter().any(|o| o.name == name) {
                return Err(format!("operation `{name}` appears twice"));
            }
            surface.operations.push(Operation {
                name: name.to_string(),
                method: method.to_string(),
                path: path.to_string(),
                deprecated,
                params: Vec::new(),
                body: None,
                responses: Vec::new(),
            });
        }
        _ => return Err("not an item of an API surface".into()),
    }
    Ok(())
}

fn parse_type_line(
    surface: &mut Surface,
    name: &str,
    words: &[&str],
    literal: Option<&Token>,
) -> Result<(), String> {
    let shape = match words {
        ["struct"] => Shape::Struct {
            fields: Vec::new(),
            additional: None,
        },
        ["enum", repr] => Shape::Enum {
            repr: repr.to_string(),
            values: Vec::new(),
        },
        ["union", "untagged"] => Shape::Union {
            discriminator: None,
            variants: Vec::new(),
        },
        ["union", "by", property] => Shape::Union {
            discriminator: Some(property.to_string()),
            variants: Vec::new(),
        },
        ["alias", ty] => Shape::Alias(ty.to_string()),
        member @ (["field", _, _, _, ..]
        | ["additional", _]
        | ["value", _, _]
        | ["variant", _, _, ..]) => {
            return parse_type_member(last_shape(surface, name)?, name, member, literal);
        }
        _ => return Err("not an item of an API surface".into()),
    };
    if surface.types.iter().any(|t| t.name == name) {
        return Err(format!("type `{name}` appears twice"));
    }
    surface.types.push(Type {
        name: name.to_string(),
        shape,
    });
    Ok(())
}

/// A field, additional-properties, enum value or union variant line of the type just declared.
fn parse_type_member(
    shape: &mut Shape,
    name: &str,
    words: &[&str],
    literal: Option<&Token>,
) -> Result<(), String> {
    match (shape, words) {
        (Shape::Struct { fields, .. }, ["field", json, ty, required, flags @ ..]) => {
            let required = parse_required(required)?;
            let nullable = match flags {
                [] => false,
                ["nullable"] => true,
                _ => return Err("unexpected words after the field".into()),
            };
            fields.push(Field {
                name: json.to_string(),
                ty: ty.to_string(),
                required,
                nullable,
            });
        }
        (Shape::Struct { additional, .. }, ["additional", ty]) => {
            *additional = Some(ty.to_string());
        }
        (Shape::Enum { values, .. }, ["value", variant, _]) => {
            let literal = literal.ok_or("missing value")?;
            let value = if literal.quoted {
                EnumValue::String(literal.text.clone())
            } else {
                match literal.text.parse() {
                    Ok(i) => EnumValue::Integer(i),
                    Err(_) => EnumValue::Json(literal.text.clone()),
                }
            };
            values.push(EnumMember {
                variant: variant.to_string(),
                value,
            });
        }
        (Shape::Union { variants, .. }, ["variant", variant, ty, tags @ ..]) => {
            variants.push(Variant {
                name: variant.to_string(),
                ty: ty.to_string(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
            });
        }
        (_, ["value", ..]) => return Err(format!("`{name}` is not an enum")),
        (_, ["variant", ..]) => return Err(format!("`{name}` is not a union")),
        _ => return Err(format!("`{name}` is not a struct")),
    }
    Ok(())
}

/// The operation a detail line belongs to: the one declared just before.
fn last_operation<'a>(surface: &'a mut Surface, name: &str) -> Result<&'a mut Operation, String> {
    match surface.operations.last_mut() {
        Some(op) if op.name == name => Ok(op),
        _ => Err(format!(
            "no `op {name} <method> <path>` line before this one"
        )),
    }
}

/// The shape a member line belongs to: the type declared just before.
fn last_shape<'a>(surface: &'a mut Surface, name: &str) -> Result<&'a mut Shape, String> {
    match surface.types.last_mut() {
        Some(t) if t.name == name => Ok(&mut t.shape),
        _ => Err(format!("no `type {name} <kind>` line before this one")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;

    #[test]
    fn names_with_spaces_and_quotes_round_trip() {
        let odd = pets(
            "      parameters:\n        - {name: 'odd \"name\"', in: query, schema: {type: string}}\n",
            BODY,
            &(schemas(
                "name",
                "        'display name': {type: string}\n",
                "name",
                "",
            ) + "    Mode:\n      type: string\n      enum: ['a b', '']\n"),
        );
        let s = surface(&odd);
        let text = s.render();
        assert!(
            text.contains("param \"odd \\\"name\\\"\" query String optional"),
            "{text}"
        );
        assert!(
            text.contains("field \"display name\" Option<String> optional"),
            "{text}"
        );
        assert!(text.contains("type Mode value AB \"a b\"\n"), "{text}");
        assert_eq!(Surface::parse(&text).unwrap(), s);
    }

    #[test]
    fn parse_errors_name_the_line() {
        let cases = [
            (
                "# comment\n\nop x GET /x\nop y param a query String optional\n",
                "line 4: no `op y <method> <path>` line before this one",
            ),
            (
                "type T struct\ntype T field a String maybe\n",
                "line 2: expected `required` or `optional`, found `maybe`",
            ),
            (
                "type T enum string\ntype T field a String optional\n",
                "line 2: `T` is not a struct",
            ),
            (
                "type T struct\ntype T value A \"a\"\n",
                "line 2: `T` is not an enum",
            ),
            (
                "type T struct\ntype T struct\n",
                "line 2: type `T` appears twice",
            ),
            (
                "op x GET /x\nop x GET /x\n",
                "line 2: operation `x` appears twice",
            ),
            (
                "op x GET /x\nop x body json A required\nop x body json B required\n",
                "line 3: a second request body",
            ),
            (
                "op x GET /x soon\n",
                "line 1: unexpected words after the path",
            ),
            ("type T enum\n", "line 1: not an item of an API surface"),
            ("op x GET \"/x\n", "line 1: unterminated string"),
        ];
        for (text, expected) in cases {
            let err = Surface::parse(text).unwrap_err();
            assert!(err.starts_with(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn the_repository_specs_round_trip() {
        for (file, module) in REPOSITORY_SPECS {
            let document = crate::stages::load_file(&repository_root().join(file), false).unwrap();
            let normalized =
                crate::stages::normalize(&document, module, &Default::default()).unwrap();
            let s = Surface::from_api(&normalized.api);
            let text = s.render_file("// generated\n", module);
            assert!(
                text.starts_with("# generated\n# The API surface of `"),
                "{text}"
            );
            assert_eq!(Surface::parse(&text).unwrap(), s, "{file}");
            assert_eq!(s.operations.len(), normalized.api.operations.len());
        }
    }
}
