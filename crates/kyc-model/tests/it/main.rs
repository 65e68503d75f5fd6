//! Integration tests of kyc-model: the document checks through the public API.

mod cases;
mod props;
mod tables;
mod valid;
