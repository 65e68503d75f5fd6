//! The login form: validating what it sends before anything leaves the machine.

use std::net::IpAddr;

use url::{Host, Url};

use crate::error::{AppError, ErrorCode};
use crate::ipc::LoginRequest;

/// Longest account name accepted.
pub const MAX_USER_LEN: usize = 64;

/// Parses the hub address the reviewer typed. `https://` is accepted for any host; plain
/// `http://` only for loopback (the demo and tests), because the instructions applicants
/// accepted promise transmission over an encrypted channel.
pub fn parse_hub_url(input: &str) -> Result<Url, AppError> {
    let url = Url::parse(input.trim())
        .map_err(|_| AppError::new(ErrorCode::Invalid, "The hub address is not a valid URL."))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(AppError::new(
                ErrorCode::InsecureHub,
                "Plain http:// is only allowed to this computer; use https://.",
            ));
        }
        _ => return Err(AppError::new(ErrorCode::Invalid, "The hub address must use https://.")),
    }
    if url.host().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err(AppError::new(ErrorCode::Invalid, "The hub address must name a host only."));
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Checks a login request field by field. Messages name the field, never its value.
pub fn validate(request: &LoginRequest) -> Result<Url, AppError> {
    let url = parse_hub_url(&request.hub_url)?;
    let user = request.user.trim();
    if user.is_empty() {
        return Err(AppError::new(ErrorCode::Invalid, "Enter your user name."));
    }
    if user.chars().count() > MAX_USER_LEN || user.chars().any(char::is_control) {
        return Err(AppError::new(ErrorCode::Invalid, "The user name is not valid."));
    }
    if request.password.expose().is_empty() {
        return Err(AppError::new(ErrorCode::Invalid, "Enter your password."));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kyc_proto::Secret;

    fn check_url(input: &str, expect: Result<(), ErrorCode>) {
        let got = parse_hub_url(input).map(|_| ()).map_err(|e| e.code);
        assert_eq!(got, expect, "{input}");
    }

    #[test]
    fn hub_url_rules() {
        check_url("https://hub.example.org", Ok(()));
        check_url("https://hub.example.org:8443/", Ok(()));
        check_url("http://127.0.0.1:8080", Ok(()));
        check_url("http://127.1.2.3:8080", Ok(()));
        check_url("http://localhost:8080", Ok(()));
        check_url("http://[::1]:8080", Ok(()));
        check_url("  https://hub.example.org  ", Ok(()));
        check_url("http://hub.example.org", Err(ErrorCode::InsecureHub));
        check_url("http://192.168.1.10", Err(ErrorCode::InsecureHub));
        check_url("http://localhost.evil.example", Err(ErrorCode::InsecureHub));
        check_url("ftp://hub.example.org", Err(ErrorCode::Invalid));
        check_url("file:///etc/passwd", Err(ErrorCode::Invalid));
        check_url("hub.example.org", Err(ErrorCode::Invalid));
        check_url("", Err(ErrorCode::Invalid));
        check_url("https://user:pw@hub.example.org", Err(ErrorCode::Invalid));
    }

    fn request(user: &str, password: &str) -> LoginRequest {
        LoginRequest {
            hub_url: "http://127.0.0.1:1".into(),
            user: user.into(),
            password: Secret::new(password),
        }
    }

    #[test]
    fn login_fields_are_required_and_errors_never_echo_them() {
        let cases = [
            (request("", "pw"), ErrorCode::Invalid),
            (request("  ", "pw"), ErrorCode::Invalid),
            (request("reviewer1", ""), ErrorCode::Invalid),
            (request("bad\u{7}name", "pw"), ErrorCode::Invalid),
        ];
        assert!(validate(&request("reviewer1", "secret-marker-7731")).is_ok());
        for (req, code) in cases {
            let err = validate(&req).unwrap_err();
            assert_eq!(err.code, code);
            assert!(!err.message.contains("secret-marker-7731"));
            assert!(!format!("{req:?}").contains("secret-marker-7731"), "Debug leaks password");
        }
    }

    #[test]
    fn login_request_rejects_unknown_fields() {
        let json = r#"{"hubUrl":"http://127.0.0.1:1","user":"a","password":"b","extra":1}"#;
        assert!(serde_json::from_str::<LoginRequest>(json).is_err());
    }
}
