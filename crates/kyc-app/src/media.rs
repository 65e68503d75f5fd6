//! The `media://` scheme's answers, without Tauri: the shell hands the request path and its
//! `Range` header to [`crate::Desk::media`] and sends back what this module builds.
//!
//! Rules: the path is exactly `/<media id>/<variant>` with a validated opaque id (anything
//! path-like, unknown, or asked while locked is a bare 404 that says nothing more); bytes are
//! decrypted from the vault in memory; every answer carries `Cache-Control: no-store` and a
//! strict `Content-Type` (from the vault's own record, never sniffed); a single `bytes=` range
//! is answered 206 so video can seek.

use kyc_model::MediaId;
use kyc_proto::range::{ByteRange, parse_range};
use kyc_vault::{Variant, Vault, VaultError};

/// An answer for the webview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaResponse {
    /// HTTP status: 200, 206, 404 or 416.
    pub status: u16,
    /// Header names and values.
    pub headers: Vec<(&'static str, String)>,
    /// The bytes.
    pub body: Vec<u8>,
}

impl MediaResponse {
    fn bare(status: u16) -> MediaResponse {
        MediaResponse {
            status,
            headers: vec![("Cache-Control", "no-store".into())],
            body: Vec::new(),
        }
    }

    /// 404 with no body.
    pub fn not_found() -> MediaResponse {
        MediaResponse::bare(404)
    }

    /// The value of a header, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Parses `/<media id>/<variant>`; `None` for anything else (extra segments, dots, encoded
/// characters, an unknown variant).
pub fn parse_path(path: &str) -> Option<(MediaId, Variant)> {
    let rest = path.strip_prefix('/')?;
    let mut parts = rest.split('/');
    let (id, variant) = (parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((MediaId::parse(id).ok()?, Variant::from_code(variant)?))
}

/// Answers one request from the vault (blocking: decryption and SQLite).
pub fn serve(vault: &Vault, path: &str, range: Option<&str>) -> MediaResponse {
    let Some((id, variant)) = parse_path(path) else { return MediaResponse::not_found() };
    let info = match vault.media_info(&id, variant) {
        Ok(info) => info,
        Err(VaultError::MediaNotFound { .. } | VaultError::Locked | VaultError::Wiped) => {
            return MediaResponse::not_found();
        }
        Err(e) => {
            tracing::warn!(error = %e, "media read failed");
            return MediaResponse::not_found();
        }
    };
    answer(info.content_type.mime(), info.len, range, |part| {
        let read = match part {
            None => vault.read_media(&id, variant),
            Some(bytes) => vault.read_media_range(&id, variant, bytes),
        };
        read.map_err(|e| tracing::warn!(error = %e, "media read failed")).ok()
    })
}

/// The answer for one medium of `len` bytes of type `mime`, wherever it is held (the vault,
/// or a supervisor's open case in memory): 200 with all of it, 206 with the one range asked,
/// or 416. `read` gives the bytes — all of them (`None`) or a range, end exclusive — and
/// `None` when they cannot be read, which answers 404.
pub(crate) fn answer(
    mime: &str,
    len: u64,
    range: Option<&str>,
    read: impl FnOnce(Option<std::ops::Range<u64>>) -> Option<Vec<u8>>,
) -> MediaResponse {
    let mut headers = vec![
        ("Content-Type", mime.to_owned()),
        ("Cache-Control", "no-store".to_owned()),
        ("X-Content-Type-Options", "nosniff".to_owned()),
        ("Accept-Ranges", "bytes".to_owned()),
    ];
    let (status, part) = match parse_range(range, len) {
        ByteRange::Full => (200, None),
        ByteRange::Partial(start, end) => {
            headers.push(("Content-Range", format!("bytes {start}-{end}/{len}")));
            (206, Some(start..end + 1))
        }
        ByteRange::Unsatisfiable => {
            let mut r = MediaResponse::bare(416);
            r.headers.push(("Content-Range", format!("bytes */{len}")));
            return r;
        }
    };
    let Some(body) = read(part) else { return MediaResponse::not_found() };
    headers.push(("Content-Length", body.len().to_string()));
    MediaResponse { status, headers, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_id_and_variant_paths_are_media() {
        assert!(parse_path("/m-1/display").is_some());
        assert!(parse_path("/m-1/original").is_some());
        for bad in [
            "",
            "/",
            "/m-1",
            "/m-1/display/x",
            "/../vault.db/display",
            "/m-1/../../etc",
            "/m%2F1/display",
            "/m-1/raw",
            "m-1/display",
            "//display",
        ] {
            assert!(parse_path(bad).is_none(), "{bad}");
        }
    }
}
