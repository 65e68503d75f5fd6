//! Turning axum's extractor rejections into [`AppError`]s that name fields and rules but never
//! quote input. serde's messages do quote it (`invalid type: string "…"`, `unknown variant
//! `…``), so they are taken apart here: the field path is kept when every segment is a field
//! name of the API's own schemas, the rule becomes a stable code, and only serde's "expected"
//! clause — which describes our types, not the input — is kept.

use std::collections::HashSet;
use std::error::Error as StdError;
use std::sync::LazyLock;

use axum::extract::rejection::{JsonDataError, JsonSyntaxError, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query};

use crate::error::{AppError, rules};

/// Path extractor whose rejections are [`AppError`]s (axum's own would answer with, and log,
/// a text quoting the path).
#[derive(Debug, FromRequestParts)]
#[from_request(via(Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

/// Query-string extractor whose rejections are [`AppError`]s naming the parameter and rule.
#[derive(Debug, FromRequestParts)]
#[from_request(via(Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

/// Every property and parameter name of the API document: the only words of a serde path that
/// may be repeated back (a map key or an unknown field's name could be anything).
static KNOWN_NAMES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut names = HashSet::new();
    if let Ok(doc) = serde_json::to_value(crate::api::openapi_document()) {
        collect_names(&doc, &mut names);
    }
    names
});

fn collect_names(value: &serde_json::Value, names: &mut HashSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                names.extend(props.keys().cloned());
            }
            // Query and path parameters, and the enum tags of internally tagged unions.
            if let (Some(serde_json::Value::String(name)), Some(_)) =
                (map.get("name"), map.get("in"))
            {
                names.insert(name.clone());
            }
            for v in map.values() {
                collect_names(v, names);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_names(v, names)),
        _ => {}
    }
}

fn is_known_name(name: &str) -> bool {
    KNOWN_NAMES.contains(name)
}

/// The path as `items[0].decision.case_id`, with any segment that is not one of our names
/// replaced by `*`.
fn render_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(if is_known_name(key) { key } else { "*" });
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    out
}

/// serde's "expected …" clause, when it looks like a description of a type (it is written by
/// the deserializer of our types, after any quoted input).
fn expected_clause(text: &str) -> Option<&str> {
    let (_, expected) = text.rsplit_once(", expected ")?;
    let plain = expected.len() <= 300
        && expected.chars().all(|c| c.is_ascii_alphanumeric() || " `_,.:-()".contains(c));
    // An enumeration of names is kept only when every listed name is ours.
    let names_ok = expected.split('`').skip(1).step_by(2).all(is_known_or_variant);
    (plain && names_ok).then_some(expected)
}

/// Backticked words in serde's "expected" clause are field names or enum values of our own
/// types (type names are not backticked).
fn is_known_or_variant(name: &str) -> bool {
    is_known_name(name) || KNOWN_VARIANTS.contains(name)
}

/// Every enumerated string value of the API document.
static KNOWN_VARIANTS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    fn walk(value: &serde_json::Value, out: &mut HashSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Array(values)) = map.get("enum") {
                    out.extend(values.iter().filter_map(|v| v.as_str().map(str::to_owned)));
                }
                map.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = HashSet::new();
    if let Ok(doc) = serde_json::to_value(crate::api::openapi_document()) {
        walk(&doc, &mut out);
    }
    out
});

/// The first backticked word of `text`, when it is one of our field names.
fn backticked_name(text: &str) -> Option<&str> {
    let name = text.split('`').nth(1)?;
    is_known_name(name).then_some(name)
}

/// Rule code and message for serde's text `text` at `path`.
fn describe(text: &str, path: &str) -> (&'static str, String) {
    let at = if path.is_empty() { "the body".to_owned() } else { format!("`{path}`") };
    let with_expected = |what: &str| match expected_clause(text) {
        Some(expected) => format!("{what} at {at}; expected {expected}"),
        None => format!("{what} at {at}"),
    };
    let id_errors =
        [kyc_model::IdError::Empty, kyc_model::IdError::TooLong, kyc_model::IdError::BadCharacter];
    if let Some(e) = id_errors.iter().find(|e| text == e.to_string()) {
        return (rules::ID_SYNTAX, format!("invalid id at {at}: {e}"));
    }
    // `time`'s own words for a date that does not exist (day 366 of a common year).
    if text.starts_with("invalid ") && text.ends_with(", expected an in-range value") {
        return (rules::CALENDAR_DATE, format!("no such calendar date at {at}"));
    }
    if text.starts_with("missing field") {
        let message = match backticked_name(text) {
            Some(name) => format!("missing field `{name}` at {at}"),
            None => format!("a required field is missing at {at}"),
        };
        (rules::MISSING_FIELD, message)
    } else if text.starts_with("duplicate field") {
        (rules::DUPLICATE_FIELD, format!("a field is given twice at {at}"))
    } else if text.starts_with("unknown field") {
        (rules::UNKNOWN_FIELD, with_expected("unknown field"))
    } else if text.starts_with("unknown variant") {
        (rules::UNKNOWN_VARIANT, with_expected("unknown value"))
    } else if text.starts_with("invalid type") {
        (rules::WRONG_TYPE, with_expected("wrong type"))
    } else if text.starts_with("invalid length") {
        (rules::INVALID_LENGTH, with_expected("wrong number of items"))
    } else if text.starts_with("invalid value") {
        (rules::INVALID_VALUE, with_expected("invalid value"))
    } else {
        // A custom message (a date or time format, a range): it may describe the input, so
        // only its place is said.
        (rules::INVALID_VALUE, format!("invalid value at {at}"))
    }
}

/// serde_json's message without its ` at line L column C` suffix.
fn strip_position(text: &str) -> &str {
    match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => text,
    }
}

/// Describes a JSON body that parsed but does not fit the request type.
pub(crate) fn describe_data_error(e: &JsonDataError) -> (&'static str, String) {
    let inner = e
        .source()
        .and_then(StdError::source)
        .and_then(|s| s.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>());
    match inner {
        Some(err) => {
            let text = err.inner().to_string();
            describe(strip_position(&text), &render_path(err.path()))
        }
        None => (rules::INVALID_VALUE, "the body does not match the request schema".into()),
    }
}

/// Rewrites every float with no fractional part (within the 64-bit integer range) as an integer.
pub(crate) fn integral_floats_to_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0) {
                // Casts saturate: check the range on the float first.
                let integer = if (0.0..1.8e19).contains(&f) {
                    Some(serde_json::Number::from(f as u64))
                } else if (-9.2e18..0.0).contains(&f) {
                    Some(serde_json::Number::from(f as i64))
                } else {
                    None
                };
                if let Some(i) = integer {
                    *n = i;
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_floats_to_integers),
        _ => {}
    }
}

/// The error of a JSON value that does not fit the request type: 422 naming the field path
/// and rule (400 for a date the calendar lacks, which the schema cannot exclude).
pub(crate) fn data_error(err: &serde_path_to_error::Error<serde_json::Error>) -> AppError {
    let text = err.inner().to_string();
    let (rule, message) = describe(strip_position(&text), &render_path(err.path()));
    let status = if rule == rules::CALENDAR_DATE {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    AppError::new(status, kyc_proto::ErrorCode::Invalid, message).with_rule(rule)
}

/// ` (line L, column C)` of a JSON syntax error (positions are not input).
pub(crate) fn syntax_position(e: &JsonSyntaxError) -> String {
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(err) = s.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
            return format!(" (line {}, column {})", err.inner().line(), err.inner().column());
        }
        if let Some(err) = s.downcast_ref::<serde_json::Error>() {
            return format!(" (line {}, column {})", err.line(), err.column());
        }
        source = s.source();
    }
    String::new()
}

/// Describes a query string that does not fit the parameters.
pub(crate) fn describe_query_error(r: &QueryRejection) -> (&'static str, String) {
    let mut source = r.source();
    while let Some(s) = source {
        if let Some(err) = s.downcast_ref::<serde_path_to_error::Error<serde::de::value::Error>>() {
            let text = err.inner().to_string();
            let (rule, message) = describe(&text, &render_path(err.path()));
            return (rule, message.replace("the body", "the query string"));
        }
        source = s.source();
    }
    (rules::INVALID_VALUE, "the query string does not match the parameters".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_texts_lose_the_input_they_quote() {
        let table = [
            (r#"invalid type: string "ZHANG-MARKER", expected u32"#, "wrong_type"),
            ("unknown field `ZHANG-MARKER`, expected `max_cases` or `kind`", "unknown_field"),
            (
                "unknown variant `ZHANG-MARKER`, expected one of `approve`, `reject`",
                "unknown_variant",
            ),
            ("invalid value: string \"ZHANG-MARKER\", expected a date", "invalid_value"),
            ("ZHANG-MARKER is not a date", "invalid_value"),
            ("missing field `ZHANG-MARKER`", "missing_field"),
            (r#"invalid type: string "x, expected ZHANG-MARKER", expected u32"#, "wrong_type"),
        ];
        for (text, rule) in table {
            let (got, message) = describe(text, "items[0].decision");
            assert_eq!(got, rule, "{text}");
            assert!(!message.contains("ZHANG") && !message.contains("MARKER"), "{message}");
        }
        let (_, message) = describe(r#"invalid type: string "x", expected u32"#, "max_cases");
        assert_eq!(message, "wrong type at `max_cases`; expected u32");
        let (_, message) = describe("missing field `max_cases`", "");
        assert_eq!(message, "missing field `max_cases` at the body");
    }
}
