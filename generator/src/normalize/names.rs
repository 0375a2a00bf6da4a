//! Every Rust name the generator emits is decided here: case conversion with heck, keyword
//! escaping, and collision resolution within one namespace.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::ir::HttpMethod;

/// Words that cannot be identifiers. `r#` escapes most of them; these four cannot be raw.
const STRICT_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Names already taken in one Rust namespace (a module's types, a struct's fields, …).
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks names the generated code itself uses in this namespace.
    pub fn with_reserved(names: &[&str]) -> Self {
        Self {
            taken: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    /// Marks more names as taken.
    pub fn reserve(mut self, names: &[&str]) -> Self {
        self.taken.extend(names.iter().map(|n| n.to_string()));
        self
    }

    /// Claims `wanted`, or `wanted2`, `wanted3`, … if it is taken. Comparison ignores a raw
    /// prefix so `r#type` and `type` collide.
    pub fn claim(&mut self, wanted: &str) -> String {
        let key = |s: &str| s.trim_start_matches("r#").to_string();
        if self.taken.insert(key(wanted)) {
            return wanted.to_string();
        }
        let base = wanted.trim_start_matches("r#");
        (2..)
            .map(|n| format!("{base}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_else(|| base.to_string())
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Claims `base` together with the names derived from it by `suffixes` (`base`,
    /// `baseError`, …), with the first number that makes all of them free.
    pub fn claim_family(&mut self, base: &str, suffixes: &[&str]) -> String {
        let free = |n: &Namespace, candidate: &str| {
            suffixes
                .iter()
                .all(|s| !n.is_taken(&format!("{candidate}{s}")))
        };
        let mut candidate = base.to_string();
        let mut n = 2;
        while !free(self, &candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        for suffix in suffixes {
            self.taken.insert(format!("{candidate}{suffix}"));
        }
        candidate
    }
}

/// An `UpperCamelCase` type or variant name for any text.
pub fn type_name(raw: &str) -> String {
    let mut name = ascii_identifier(&deunicode::deunicode(raw).to_upper_camel_case());
    if name.is_empty() {
        name = "Value".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    // `Self` cannot be a name, and `Self_` stops being camel case once a suffix or a number is
    // added to it (`Self_Error`, `Self_2`: rustc's `non_camel_case_types`).
    if NON_RAW_KEYWORDS.contains(&name.as_str()) {
        name.push_str("Value");
    }
    name
}

/// A `snake_case` field, parameter or method name for any text.
pub fn value_name(raw: &str) -> String {
    let mut name = ascii_identifier(&deunicode::deunicode(raw).to_snake_case());
    if name.is_empty() {
        name = "value".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    escape_keyword(name)
}

/// Keeps the characters every Rust identifier may hold. Text is transliterated to ASCII first
/// (`Étienne` → `Etienne`, where dropping the `É` left a lowercase `tienne` that is not camel
/// case); what is left outside ASCII is dropped.
fn ascii_identifier(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// `type` becomes `r#type`; `self` becomes `self_`.
pub fn escape_keyword(name: String) -> String {
    if NON_RAW_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else if STRICT_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Whether `name` can be a method, field or module name as written: a `snake_case` Rust
/// identifier that is no keyword. The error says why not and what would do.
pub fn check_value_name(name: &str) -> Result<(), String> {
    check_as_written(name, &value_name(name), "a snake_case identifier")
}

/// Whether `name` can be a type name as written: an `UpperCamelCase` Rust identifier that is no
/// keyword. The error says why not and what would do.
pub fn check_type_name(name: &str) -> Result<(), String> {
    check_as_written(name, &type_name(name), "an UpperCamelCase identifier")
}

fn check_as_written(name: &str, derived: &str, kind: &str) -> Result<(), String> {
    let keyword = STRICT_KEYWORDS.contains(&name) || NON_RAW_KEYWORDS.contains(&name);
    if name.is_empty() {
        Err(format!("the name is empty; it must be {kind}"))
    } else if keyword {
        Err(format!("`{name}` is a Rust keyword; `{name}_` is not"))
    } else if derived != name {
        Err(format!("it must be {kind}, such as `{derived}`"))
    } else {
        Ok(())
    }
}

/// The method name for an operation: its operationId, or else method and path the way the
/// seed SDKs derive it (`GET /v2/Teams/{userId}` → `v2_teams_user_id_get`).
pub fn operation_name(operation_id: Option<&str>, method: &HttpMethod, path: &str) -> String {
    match operation_id {
        Some(id) if !id.trim().is_empty() => value_name(id),
        _ => value_name(&format!("{path} {}", method.as_str().to_ascii_lowercase())),
    }
}

/// A variant name for an enum value (`admin` → `Admin`, `-1` → `Minus1`, `` → `Empty`).
pub fn enum_variant_name(value: &str) -> String {
    if value.is_empty() {
        return "Empty".to_string();
    }
    let spelled = value
        .strip_prefix('-')
        .map(|rest| format!("Minus {rest}"))
        .unwrap_or_else(|| value.to_string());
    let name = type_name(&spelled);
    if name == "V" || name.chars().all(|c| c == '_') {
        "Value".to_string()
    } else {
        name
    }
}

/// The variant name for a response status (`200` → `Ok`, `4XX` → `ClientError`).
pub fn status_variant_name(code: Option<u16>, range: Option<u8>) -> String {
    if let Some(code) = code {
        let known = match code {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            206 => "PartialContent",
            301 => "MovedPermanently",
            302 => "Found",
            304 => "NotModified",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            423 => "Locked",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ => return format!("Status{code}"),
        };
        return known.to_string();
    }
    match range {
        Some(1) => "Informational".to_string(),
        Some(2) => "Success".to_string(),
        Some(3) => "Redirection".to_string(),
        Some(4) => "ClientError".to_string(),
        Some(5) => "ServerError".to_string(),
        Some(other) => format!("Status{other}xx"),
        None => "Default".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_follow_the_seed_sdks() {
        let cases = [
            (
                HttpMethod::Get,
                "/v2/Teams/{userId}",
                "v2_teams_user_id_get",
            ),
            (
                HttpMethod::Get,
                "/v2/Teams/email-exists",
                "v2_teams_email_exists_get",
            ),
            (
                HttpMethod::Put,
                "/v2/Teams/{userId}/content",
                "v2_teams_user_id_content_put",
            ),
            (HttpMethod::Get, "/v1/mgmt/user", "v1_mgmt_user_get"),
            (
                HttpMethod::Delete,
                "/v1/mgmt/user/{userID}",
                "v1_mgmt_user_user_id_delete",
            ),
        ];
        for (method, path, want) in cases {
            assert_eq!(operation_name(None, &method, path), want);
        }
        assert_eq!(
            operation_name(
                Some("Membership_PostEmailConfirmationRequest"),
                &HttpMethod::Post,
                "/x"
            ),
            "membership_post_email_confirmation_request"
        );
    }

    #[test]
    fn keywords_and_odd_names_become_identifiers() {
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("2fa"), "n2fa");
        assert_eq!(value_name("@odata.type"), "odata_type");
        assert_eq!(
            type_name("service.DocsAdminUserGetAll"),
            "ServiceDocsAdminUserGetAll"
        );
        assert_eq!(type_name("Self"), "SelfValue");
        assert_eq!(type_name("3d"), "V3d");
        assert_eq!(enum_variant_name("-1"), "Minus1");
        assert_eq!(enum_variant_name(""), "Empty");
        // Text outside ASCII is transliterated, so a name keeps its letters and its case.
        assert_eq!(enum_variant_name("Étienne"), "Etienne");
        assert_eq!(type_name("Hélène"), "Helene");
        assert_eq!(value_name("Ñandú"), "nandu");
        assert_eq!(type_name("x²€"), "X2Eur");
        assert_eq!(value_name("€"), "eur");
        assert_eq!(type_name("名前"), "MingQian");
        assert_eq!(value_name("🙂"), "slight_smile");
    }

    #[test]
    fn names_written_by_hand_are_checked_as_written() {
        assert_eq!(check_value_name("list_users"), Ok(()));
        assert_eq!(check_type_name("Account"), Ok(()));
        let camel = check_value_name("listUsers").unwrap_err();
        assert!(camel.contains("`list_users`"), "{camel}");
        assert!(check_value_name("type").unwrap_err().contains("keyword"));
        assert!(check_value_name("").unwrap_err().contains("empty"));
        assert!(check_value_name("a-b").unwrap_err().contains("`a_b`"));
        assert!(check_type_name("Self").unwrap_err().contains("keyword"));
        assert!(
            check_type_name("account")
                .unwrap_err()
                .contains("`Account`")
        );
        let digit = check_type_name("9Lives").unwrap_err();
        assert!(digit.contains("UpperCamelCase"), "{digit}");
    }

    #[test]
    fn collisions_get_numbered_suffixes() {
        let mut ns = Namespace::with_reserved(&["Unknown"]);
        assert_eq!(ns.claim("Pet"), "Pet");
        assert_eq!(ns.claim("Pet"), "Pet2");
        assert_eq!(ns.claim("Unknown"), "Unknown2");
        let mut fields = Namespace::new();
        assert_eq!(fields.claim("r#type"), "r#type");
        assert_eq!(fields.claim("type"), "type2");
    }
}
