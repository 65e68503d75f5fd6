//! A string that must not leak: passwords, session tokens, encoded keys. The type lives in
//! `kyc-keys` (the workspace's one secret wrapper); it is re-exported here because it is part
//! of the wire types.

pub use kyc_keys::Secret;

#[cfg(test)]
mod tests {
    #[test]
    fn debug_never_shows_the_secret() {
        let s = super::Secret::new("hunter2-password");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        let req = crate::LoginRequest { username: "u".into(), auth_key: s };
        assert!(!format!("{req:?}").contains("hunter2"));
    }
}
