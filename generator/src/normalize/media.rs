//! Media types: which kind of body each one is, and which to use when a spec offers several.

use crate::ir::MediaKind;

/// Classifies a media type. Anything JSON-like (`text/json`, `application/*+json`,
/// `application/json-patch+json`) and the wildcard `*/*` are JSON: APIs that declare `*/*`
/// (swaggo's default) answer JSON in practice. JSON Lines, NDJSON and JSON text sequences
/// (`application/json-seq`, `+json-seq`) are several JSON texts, not one: a sequence.
pub fn classify(media_type: &str) -> MediaKind {
    let essence = essence(media_type);
    if is_json_sequence(&essence) {
        MediaKind::JsonSequence
    } else if essence == "*/*" || essence == "application/*" || is_json(&essence) {
        MediaKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        MediaKind::FormUrlEncoded
    } else if essence.starts_with("multipart/") {
        MediaKind::Multipart
    } else if essence == "text/event-stream" {
        MediaKind::EventStream
    } else if essence.starts_with("text/") {
        MediaKind::Text
    } else {
        MediaKind::Binary
    }
}

/// Whether a multipart media type is `multipart/form-data`, the one multipart body the client
/// writes.
pub fn is_form_data(media_type: &str) -> bool {
    essence(media_type) == "multipart/form-data"
}

fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The sequential JSON media types of OpenAPI's media type registry, and their common aliases.
fn is_json_sequence(essence: &str) -> bool {
    matches!(
        essence,
        "application/jsonl"
            | "application/x-jsonl"
            | "application/jsonlines"
            | "application/x-jsonlines"
            | "application/ndjson"
            | "application/x-ndjson"
            | "application/json-seq"
    ) || essence.ends_with("+json-seq")
}

fn is_json(essence: &str) -> bool {
    let Some((kind, sub)) = essence.split_once('/') else {
        return false;
    };
    (kind == "application" || kind == "text" || kind == "*")
        && (sub == "json" || sub.ends_with("+json") || sub.starts_with("json-") || sub == "x-json")
}

/// Picks the media type to use among those offered, preferring exact `application/json`,
/// then other JSON forms, then forms, multipart, text and finally raw bytes. Document order
/// breaks ties, so the choice is deterministic.
pub fn pick<'a>(offered: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    offered
        .into_iter()
        .enumerate()
        .min_by_key(|(index, m)| (rank(m), *index))
        .map(|(_, m)| m)
}

fn rank(media_type: &str) -> u8 {
    let essence = essence(media_type);
    if essence == "application/json" {
        return 0;
    }
    match classify(media_type) {
        MediaKind::Json if !essence.contains('*') => 1,
        MediaKind::Json => 2,
        MediaKind::JsonSequence => 3,
        MediaKind::FormUrlEncoded => 4,
        MediaKind::Multipart => 5,
        MediaKind::EventStream => 6,
        MediaKind::Text => 7,
        MediaKind::Binary => 8,
    }
}

/// The `Content-Type` to send: a concrete type, never a pattern such as `*/*`.
pub fn concrete_content_type(media_type: &str) -> String {
    let essence = essence(media_type);
    if essence.contains('*') {
        match classify(media_type) {
            MediaKind::Json => "application/json".to_string(),
            MediaKind::Text => "text/plain".to_string(),
            _ => "application/octet-stream".to_string(),
        }
    } else {
        media_type.trim().to_string()
    }
}

/// The `Accept` value for responses of these media types, each once, in order. `Accept` may
/// carry media ranges, so a range is asked for as written (`image/*`: a concrete guess such as
/// `application/octet-stream` is refused with 406), except a range read as JSON (`*/*`,
/// `application/*+json`), which asks for the JSON its answers are decoded as.
pub fn accept<'a>(response_types: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut types: Vec<String> = Vec::new();
    for media in response_types {
        let media = if classify(media) == MediaKind::Json {
            concrete_content_type(media)
        } else {
            media.trim().to_string()
        };
        if !types.contains(&media) {
            types.push(media);
        }
    }
    (!types.is_empty()).then(|| types.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_like_types_are_json() {
        for m in [
            "application/json",
            "text/json",
            "application/*+json",
            "application/json-patch+json",
            "application/problem+json; charset=utf-8",
            "*/*",
        ] {
            assert_eq!(classify(m), MediaKind::Json, "{m}");
        }
        assert_eq!(classify("text/plain"), MediaKind::Text);
        assert_eq!(classify("multipart/form-data"), MediaKind::Multipart);
        assert_eq!(
            classify("application/x-www-form-urlencoded"),
            MediaKind::FormUrlEncoded
        );
        assert_eq!(classify("application/octet-stream"), MediaKind::Binary);
        assert_eq!(classify("image/png"), MediaKind::Binary);
    }

    #[test]
    fn json_sequences_are_not_one_json_text() {
        for m in [
            "application/jsonl",
            "application/x-ndjson",
            "application/json-seq",
            "application/geo+json-seq",
            "application/x-jsonlines; charset=utf-8",
        ] {
            assert_eq!(classify(m), MediaKind::JsonSequence, "{m}");
        }
        // One JSON text is preferred to a sequence, and a sequence to bytes.
        assert_eq!(
            pick(["application/jsonl", "application/json"]),
            Some("application/json")
        );
        assert_eq!(
            pick(["application/octet-stream", "application/x-ndjson"]),
            Some("application/x-ndjson")
        );
    }

    #[test]
    fn picking_prefers_plain_json() {
        let teams = [
            "application/json-patch+json",
            "application/json",
            "text/json",
            "application/*+json",
        ];
        assert_eq!(pick(teams), Some("application/json"));
        assert_eq!(pick(["text/plain", "text/json"]), Some("text/json"));
        assert_eq!(pick(["*/*"]), Some("*/*"));
        assert_eq!(concrete_content_type("*/*"), "application/json");
        assert_eq!(
            concrete_content_type("application/*+json"),
            "application/json"
        );
    }

    #[test]
    fn accept_lists_each_type_once_and_keeps_ranges_that_are_not_json() {
        assert_eq!(
            accept(["application/json", "*/*", "text/plain"]).as_deref(),
            Some("application/json, text/plain")
        );
        assert_eq!(
            accept(["image/*", "application/*+json", "text/*"]).as_deref(),
            Some("image/*, application/json, text/*")
        );
        assert_eq!(accept([]), None);
    }
}
