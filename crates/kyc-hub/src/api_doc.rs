//! The conventions of the OpenAPI document, as reusable pieces for `#[utoipa::path]`.
//!
//! Every operation lists its success responses and then the error groups that apply to it:
//!
//! ```text
//! #[utoipa::path(post, path = "/api/v1/leases", tag = "leases", request_body = LeaseRequest,
//!     security(("bearer" = [])),
//!     responses((status = 200, body = LeaseGrant),
//!               api_doc::Unauthenticated, api_doc::Forbidden, api_doc::JsonBody))]
//! ```
//!
//! - signed-in endpoints: `security(("bearer" = []))` and [`Unauthenticated`] (401);
//! - endpoints that check the role or a lease: [`Forbidden`] (403);
//! - a JSON request body: [`JsonBody`] (400, 413, 415, 422);
//! - an id in the path: [`PathId`] (400, 404);
//! - a query string: [`QueryParams`] (422);
//! - anything else (409, 416, 429) as a tuple with `body = ApiError`.
//!
//! [`ApiConventions`] adds the bearer scheme and a 500 to every operation. The test
//! `openapi_operations_follow_the_conventions` checks the rules above on the document.

use std::collections::BTreeMap;

use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};

/// An error response with the `{code, message, rule}` body.
fn error_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiError"))).build(),
        )
        .build()
        .into()
}

fn responses(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    list.iter().map(|(status, d)| ((*status).to_owned(), error_response(d))).collect()
}

/// 401: no bearer token, an unknown or expired session (`unauthorized`), or a disabled account
/// (`account_revoked`: the client must wipe what it holds).
#[derive(Debug)]
pub struct Unauthenticated;

impl utoipa::IntoResponses for Unauthenticated {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[(
            "401",
            "`unauthorized`: no token, or the session is unknown, ended or expired; \
             `account_revoked`: the account was disabled",
        )])
    }
}

/// 403 `forbidden`: the role (or, for reviewers, the lease) does not allow this.
#[derive(Debug)]
pub struct Forbidden;

impl utoipa::IntoResponses for Forbidden {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[("403", "`forbidden`: the caller's role or lease does not allow this")])
    }
}

/// The errors of a JSON request body.
#[derive(Debug)]
pub struct JsonBody;

impl utoipa::IntoResponses for JsonBody {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[
            (
                "400",
                "`invalid`: malformed JSON (`rule`: `malformed_json`), or a rule the schema \
                 cannot express; `rule` names it (`batch_size`, `case_rule`, `base64`, \
                 `note_required`, `policy_rule`, `out_of_range`, `account_rule`, \
                 `password_choice`, `correction_required`, `correction_not_allowed`, \
                 `outcome_not_allowed`, `decision_rule`, `text_length`, ...)",
            ),
            (
                "413",
                "`payload_too_large`: the body is over the endpoint's limit, or a media \
                 object over its size limit",
            ),
            ("415", "`invalid` (`rule`: `content_type`): the body is not application/json"),
            (
                "422",
                "`invalid`: the body does not match the schema; `rule` is `wrong_type`, \
                 `missing_field`, `unknown_field`, `unknown_variant`, `invalid_value`, \
                 `invalid_length` or `id_syntax`, and the message names the field path",
            ),
        ])
    }
}

/// The errors of an id in the path.
#[derive(Debug)]
pub struct PathId;

impl utoipa::IntoResponses for PathId {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[
            ("400", "`invalid` (`rule`: `id_syntax`): the id is not 1 to 64 of A-Z a-z 0-9 _ -"),
            ("404", "`not_found`: no such object, or not visible to the caller"),
        ])
    }
}

/// The errors of a query string.
#[derive(Debug)]
pub struct QueryParams;

impl utoipa::IntoResponses for QueryParams {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[(
            "422",
            "`invalid`: a query parameter does not match its schema; `rule` and the message \
             name it",
        )])
    }
}

/// The responses of a media download: the bytes in their own content type, whole or a range.
#[derive(Debug)]
pub struct MediaBytes;

impl utoipa::IntoResponses for MediaBytes {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        use utoipa::openapi::header::HeaderBuilder;
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let string = || ObjectBuilder::new().schema_type(Type::String).build();
        let bytes = |description: &str, ranged: bool| {
            let mut builder = ResponseBuilder::new().description(description);
            for content_type in kyc_proto::ALLOWED_CONTENT_TYPES {
                let schema = ObjectBuilder::new()
                    .schema_type(Type::String)
                    .content_media_type(*content_type)
                    .build();
                builder = builder
                    .content(*content_type, ContentBuilder::new().schema(Some(schema)).build());
            }
            builder = builder.header(
                kyc_proto::DIGEST_HEADER,
                HeaderBuilder::new()
                    .schema(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .pattern(Some("^[0-9a-f]{64}$")),
                    )
                    .description(Some("SHA-256 of the whole object, lowercase hex"))
                    .build(),
            );
            if ranged {
                builder = builder.header(
                    "content-range",
                    HeaderBuilder::new()
                        .schema(string())
                        .description(Some("bytes start-end/size"))
                        .build(),
                );
            }
            RefOr::T(builder.build())
        };
        let mut map = BTreeMap::new();
        map.insert("200".to_owned(), bytes("the whole object", false));
        map.insert("206".to_owned(), bytes("the single range asked for", true));
        map.insert(
            "416".to_owned(),
            error_response("`range_not_satisfiable`: the range starts past the end"),
        );
        map
    }
}

/// Says `additionalProperties: false` on every object schema: the wire types are
/// `deny_unknown_fields`, which the derive does not carry into the variants of tagged enums.
/// `allOf` members are left open (closing them would break the composition).
fn close_objects(schema: &mut RefOr<utoipa::openapi::schema::Schema>) {
    use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema};
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(object) => {
            if !object.properties.is_empty() && object.additional_properties.is_none() {
                object.additional_properties =
                    Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
            object.properties.values_mut().for_each(close_objects);
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                close_objects(items);
            }
        }
        Schema::OneOf(one_of) => one_of.items.iter_mut().for_each(close_objects),
        Schema::AnyOf(any_of) => any_of.items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// Schemas that are not `deny_unknown_fields` (a flattened rule in `DecisionStatus::Invalid`).
const OPEN_SCHEMAS: &[&str] = &["DecisionStatus"];

/// Adds what every operation shares: the bearer scheme and the 500 `internal` answer; closes
/// the object schemas (see `close_objects`).
#[derive(Debug)]
pub struct ApiConventions;

impl utoipa::Modify for ApiConventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use kyc_proto::limits;
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let description = openapi.info.description.get_or_insert_with(String::new);
        description.push_str(&format!(
            "\n\nErrors are `{{code, message, rule}}`: act on `code` and `rule`; `message` names \
             fields and rules, never values. Media limits (`kyc_proto::limits`, the same the \
             workstation applies): images at most {} bytes and {} pixels, videos at most {} \
             bytes; intake bodies at most {} bytes by default, other bodies {} bytes.",
            limits::MAX_IMAGE_BYTES,
            limits::MAX_IMAGE_PIXELS,
            limits::MAX_VIDEO_BYTES,
            limits::MAX_INTAKE_BODY_BYTES,
            limits::MAX_JSON_BODY_BYTES,
        ));
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, schema) in components.schemas.iter_mut() {
            if !OPEN_SCHEMAS.contains(&name.as_str()) {
                close_objects(schema);
            }
        }
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("the token of POST /api/v1/auth/login"))
                    .build(),
            ),
        );
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for operation in operations.into_iter().flatten() {
                operation.responses.responses.entry("500".to_owned()).or_insert_with(|| {
                    error_response("`internal`: the hub failed; details are in its log only")
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// Operations anyone may call without a token.
    const PUBLIC: &[&str] =
        &["/healthz", "/openapi.json", "/api/v1/auth/prelogin", "/api/v1/auth/login"];

    #[test]
    fn openapi_operations_follow_the_conventions() {
        let doc = serde_json::to_value(crate::api::openapi_document()).unwrap();
        let mut checked = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let what = format!("{method} {path}");
                let statuses: Vec<&str> =
                    op["responses"].as_object().unwrap().keys().map(String::as_str).collect();
                let has = |s: &str| statuses.contains(&s);
                let secured = op["security"]
                    .as_array()
                    .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
                assert_eq!(secured, !PUBLIC.contains(&path.as_str()), "{what}: bearer security");
                if secured {
                    assert!(has("401"), "{what}: a signed-in operation lists 401");
                }
                if op.get("requestBody").is_some() {
                    for s in ["400", "413", "415", "422"] {
                        assert!(has(s), "{what}: a JSON body lists {s}");
                    }
                }
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                if params.iter().any(|p| p["in"] == "path") {
                    assert!(has("400") && has("404"), "{what}: an id in the path lists 400, 404");
                }
                if params.iter().any(|p| p["in"] == "query") {
                    assert!(has("422"), "{what}: a query string lists 422");
                }
                assert!(has("500"), "{what}: lists 500");
                for (status, response) in op["responses"].as_object().unwrap() {
                    if status.starts_with('4') || status.starts_with('5') {
                        let schema = &response["content"]["application/json"]["schema"]["$ref"];
                        assert_eq!(
                            schema,
                            &Value::from("#/components/schemas/ApiError"),
                            "{what} {status}: errors carry the ApiError body"
                        );
                    }
                }
                checked += 1;
            }
        }
        assert!(checked >= 23, "only {checked} operations");
    }

    #[test]
    fn intake_case_is_a_real_schema_with_its_required_fields() {
        let doc = serde_json::to_value(crate::api::openapi_document()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let intake = &schemas["IntakeCase"];
        assert_eq!(intake["properties"]["case"]["$ref"], "#/components/schemas/Case");
        let case = &schemas["Case"];
        let required: Vec<&str> =
            case["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        for field in ["id", "kind", "priority", "submitted_on", "applicant", "documents"] {
            assert!(required.contains(&field), "Case.{field} required: {required:?}");
        }
        assert_eq!(schemas["CaseId"]["pattern"], kyc_model::schema::ID_PATTERN);
        assert_eq!(schemas["DecisionBatch"]["properties"]["items"]["maxItems"], 100);
    }
}
