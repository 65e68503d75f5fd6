//! OpenAPI schemas of the model's wire forms (feature `openapi`), for the hub's document.
//! Only what derives cannot say lives here: the id syntax and the wire form of dates.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};

/// The id syntax every edge checks ([`crate::ids::validate_id`]), as a JSON Schema pattern.
pub const ID_PATTERN: &str = "^[A-Za-z0-9_-]{1,64}$";

/// A string schema for an opaque id: the alphabet and length [`crate::ids::validate_id`] accepts.
pub fn id_schema(description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(ID_PATTERN))
        .min_length(Some(1))
        .max_length(Some(crate::ids::MAX_ID_LEN))
        .description(Some(description))
        .into()
}

/// A calendar date as `time` puts it on the wire: `[year, day of the year]`, for example
/// `[2026, 335]` for 1 December 2026.
///
/// Years are -9999..=9999 (what `time` reads) and days 1..=366; day 366 of a year that is not a leap year is a rule
/// JSON Schema cannot state, which the hub answers with 400 `calendar_date`.
#[derive(Debug)]
pub struct WireDate;

impl utoipa::PartialSchema for WireDate {
    fn schema() -> RefOr<Schema> {
        let integer = |min: i32, max: i32, what: &str| {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(min))
                .maximum(Some(max))
                .description(Some(what))
                .build()
        };
        ArrayBuilder::new()
            .prefix_items([
                integer(-9999, 9999, "year"),
                integer(1, 366, "day of the year (366 only in leap years)"),
            ])
            .items(utoipa::openapi::schema::ArrayItems::False)
            .min_items(Some(2))
            .max_items(Some(2))
            .description(Some("a calendar date as [year, day of the year]"))
            .into()
    }
}

impl utoipa::ToSchema for WireDate {}
