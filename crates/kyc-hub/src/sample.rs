//! The QA sampling draw as a pure function (the rule is documented in `kyc_proto::sample`):
//! strata by (reviewer, case kind), keys `SHA-256(seed ‖ ":" ‖ decision id)`, the
//! `ceil(percent × n / 100)` smallest keys of each stratum kept. No library RNG: the same
//! inputs give the same list in any version and in any language.

use std::collections::BTreeMap;

use kyc_model::CaseKind;
use sha2::{Digest, Sha256};

/// A decision the draw may pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligible {
    /// Decision number.
    pub decision_id: i64,
    /// Who decided (the stratum's first half).
    pub reviewer: String,
    /// The case's kind (its second half).
    pub kind: CaseKind,
}

/// One stratum of a draw: who, which kind, how many were eligible, which were drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stratum {
    /// The reviewer.
    pub reviewer: String,
    /// The case kind.
    pub kind: CaseKind,
    /// Eligible decisions.
    pub eligible: u64,
    /// The drawn decisions, by id.
    pub drawn: Vec<i64>,
}

/// The key that orders a decision in a draw with `seed`.
pub fn sample_key(seed: &str, decision_id: i64) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(seed.as_bytes());
    hash.update(b":");
    hash.update(decision_id.to_string().as_bytes());
    hash.finalize().into()
}

/// Draws `percent` % of each (reviewer, kind) stratum of `decisions` with `seed`; strata in
/// (reviewer, kind code) order.
pub fn draw(seed: &str, percent: u32, decisions: &[Eligible]) -> Vec<Stratum> {
    let mut strata: BTreeMap<(&str, &str), Vec<&Eligible>> = BTreeMap::new();
    for d in decisions {
        strata.entry((d.reviewer.as_str(), d.kind.code())).or_default().push(d);
    }
    strata
        .into_values()
        .map(|members| {
            let eligible = members.len() as u64;
            let keep = kyc_proto::sample::stratum_size(eligible, percent) as usize;
            let mut keyed: Vec<([u8; 32], i64)> =
                members.iter().map(|d| (sample_key(seed, d.decision_id), d.decision_id)).collect();
            keyed.sort_unstable();
            let mut drawn: Vec<i64> = keyed.into_iter().take(keep).map(|(_, id)| id).collect();
            drawn.sort_unstable();
            Stratum {
                reviewer: members[0].reviewer.clone(),
                kind: members[0].kind,
                eligible,
                drawn,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decisions(n: i64, reviewer: &str, kind: CaseKind) -> Vec<Eligible> {
        (1..=n).map(|i| Eligible { decision_id: i, reviewer: reviewer.to_owned(), kind }).collect()
    }

    #[test]
    fn the_key_is_sha256_of_seed_colon_decimal_id() {
        // SHA-256("abc:1"), computed independently (`printf 'abc:1' | sha256sum`).
        assert_eq!(
            hex::encode(sample_key("abc", 1)),
            "bfcf0b9cbe9d8208b2cddd9a01c31a9a60698a106a0e4fc1664233a15f16acec"
        );
    }

    #[test]
    fn each_stratum_keeps_its_share_rounded_up() {
        let mut all = decisions(10, "u_a", CaseKind::IndividualIdCard);
        all.extend(decisions(3, "u_a", CaseKind::EnterpriseAccount).into_iter().map(|mut d| {
            d.decision_id += 100;
            d
        }));
        let strata = draw("seed", 25, &all);
        let sizes: Vec<(u64, usize)> = strata.iter().map(|s| (s.eligible, s.drawn.len())).collect();
        assert_eq!(sizes, [(3, 1), (10, 3)]);
        assert_eq!(draw("seed", 25, &all), strata, "a pure function of its inputs");
        assert_eq!(draw("seed", 100, &all).iter().map(|s| s.drawn.len()).sum::<usize>(), 13);
    }
}
