//! `$ref` resolution for components: schemas, parameters, request bodies and responses.

use indexmap::IndexMap;
use openapiv3::ReferenceOr;

use super::Context;
use crate::diagnostics::Diagnostic;

/// How many `$ref` hops are followed before a chain is called a cycle.
const MAX_REF_HOPS: usize = 32;

/// The component kinds a `$ref` can point at, with their pointer prefixes.
#[derive(Debug, Clone, Copy)]
pub(super) enum ComponentKind {
    Schemas,
    Parameters,
    RequestBodies,
    Responses,
    Headers,
    Examples,
}

impl ComponentKind {
    fn prefix(self) -> &'static str {
        match self {
            Self::Schemas => "#/components/schemas/",
            Self::Parameters => "#/components/parameters/",
            Self::RequestBodies => "#/components/requestBodies/",
            Self::Responses => "#/components/responses/",
            Self::Headers => "#/components/headers/",
            Self::Examples => "#/components/examples/",
        }
    }
}

/// The component name a `$ref` points at, if it has the expected prefix. Pointer escapes in the
/// name (`~1`, `~0`) and percent-encoding are undone.
pub(super) fn component_name(reference: &str, kind: ComponentKind) -> Option<String> {
    let raw = reference.strip_prefix(kind.prefix())?;
    if raw.contains('/') {
        return None;
    }
    let unescaped = crate::diagnostics::unescape_pointer_token(raw);
    Some(percent_decode(&unescaped))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        if bytes[i] == b'%' {
            if let Some(Ok(v)) = hex.map(|h| u8::from_str_radix(h, 16)) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

impl Context<'_> {
    /// Follows `$ref`s to the component they name. Reports a located error and returns `None`
    /// for dangling, foreign or cyclic references.
    pub(super) fn resolve<'d, T>(
        &mut self,
        item: &'d ReferenceOr<T>,
        components: Option<&'d IndexMap<String, ReferenceOr<T>>>,
        kind: ComponentKind,
        pointer: &str,
    ) -> Option<&'d T> {
        let mut current = item;
        for _ in 0..MAX_REF_HOPS {
            let reference = match current {
                ReferenceOr::Item(value) => return Some(value),
                ReferenceOr::Reference { reference } => reference,
            };
            current = self.lookup(reference, components, kind, pointer)?;
        }
        self.problem(
            format!("{pointer}/$ref"),
            "`$ref` chain does not end (a cycle of references)",
            "it is left out",
        );
        None
    }

    fn lookup<'d, T>(
        &mut self,
        reference: &str,
        components: Option<&'d IndexMap<String, ReferenceOr<T>>>,
        kind: ComponentKind,
        pointer: &str,
    ) -> Option<&'d ReferenceOr<T>> {
        let Some(name) = component_name(reference, kind) else {
            self.problem(
                format!("{pointer}/$ref"),
                format!(
                    "`$ref: {reference}` is not supported here: expected a reference of the form `{}NAME`",
                    kind.prefix()
                ),
                "it is left out",
            );
            return None;
        };
        let found = components.and_then(|c| c.get(&name));
        if found.is_none() {
            let candidates = components.map(|c| c.keys().map(String::as_str).collect::<Vec<_>>());
            self.dangling(
                reference,
                &name,
                kind,
                candidates.unwrap_or_default(),
                pointer,
            );
        }
        found
    }

    /// Reports a `$ref` to a component that does not exist, suggesting the closest name.
    pub(super) fn dangling(
        &mut self,
        reference: &str,
        name: &str,
        kind: ComponentKind,
        candidates: Vec<&str>,
        pointer: &str,
    ) {
        let mut d = Diagnostic::error(
            &self.file,
            format!("{pointer}/$ref"),
            format!(
                "`$ref: {reference}` points at nothing: there is no `{name}` in {}",
                kind.prefix().trim_end_matches('/')
            ),
        );
        let closest = candidates
            .into_iter()
            .map(|c| (strsim::jaro_winkler(c, name), c))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, c)) = closest {
            d = d.with_hint(format!("did you mean `{}{c}`?", kind.prefix()));
        }
        if self.doc.lenient {
            d.severity = crate::diagnostics::Severity::Warning;
            d.message
                .push_str("; it is left out (a schema: any JSON value)");
        }
        self.say(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_names_are_unescaped() {
        assert_eq!(
            component_name(
                "#/components/schemas/service.DocsAdminUserGetAll",
                ComponentKind::Schemas
            )
            .as_deref(),
            Some("service.DocsAdminUserGetAll")
        );
        assert_eq!(
            component_name("#/components/schemas/a~1b%20c", ComponentKind::Schemas).as_deref(),
            Some("a/b c")
        );
        assert_eq!(
            component_name("#/components/parameters/x", ComponentKind::Schemas),
            None
        );
        assert_eq!(
            component_name("other.yaml#/x", ComponentKind::Schemas),
            None
        );
    }
}
