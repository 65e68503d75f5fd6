//! Blind double review: which cases are marked for it.
//!
//! A marked case gets two review slots at intake (`review_slots` in the store), each leased
//! and decided on its own, never both by one reviewer. The marking is a pure function of a
//! secret the hub keeps and the case id, so it is reproducible on this hub and cannot be
//! predicted from the case id by anyone without the secret (a reviewer who could tell that a
//! case is double-reviewed would know their decision is going to be compared).

use sha2::{Digest, Sha256};

/// Whether the case with `case_id` is marked for double review at `percent` % (0..=100):
/// the first 8 bytes of `SHA-256(secret ‖ case_id)`, read big-endian as a fraction of 2^64,
/// fall below `percent / 100`.
pub fn marked(secret: &[u8; 32], case_id: &str, percent: u32) -> bool {
    let digest = Sha256::new().chain_update(secret).chain_update(case_id.as_bytes()).finalize();
    let mut head = [0u8; 8];
    head.copy_from_slice(&digest[..8]);
    let point = u128::from(u64::from_be_bytes(head));
    // point / 2^64 < percent / 100, in integers.
    point * 100 < u128::from(percent.min(100)) << 64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_is_kept_and_the_bounds_are_exact() {
        let secret = [7u8; 32];
        let ids: Vec<String> = (0..2000).map(|i| format!("case-{i}")).collect();
        let count = |percent| ids.iter().filter(|id| marked(&secret, id, percent)).count();
        assert_eq!(count(0), 0);
        assert_eq!(count(100), ids.len());
        // 2000 draws at 25 %: 500 expected, standard deviation about 19.
        let quarter = count(25);
        assert!((400..=600).contains(&quarter), "{quarter}");
        // Monotone in the share, and the same answer every time.
        assert!(ids.iter().all(|id| !marked(&secret, id, 25) || marked(&secret, id, 50)));
        assert_eq!(count(25), quarter);
        // Another hub's secret marks other cases.
        let other = [8u8; 32];
        assert!(ids.iter().any(|id| marked(&secret, id, 50) != marked(&other, id, 50)));
    }
}
