//! Agreement between two reviewers who decided the same cases independently: percent
//! agreement and Cohen's kappa over outcome codes, per reviewer pair.
//!
//! The statistics report it per reviewer pair over the hub's double reviews (review slots);
//! it is a pure function so the figures can be checked by hand.

use std::collections::BTreeMap;

use kyc_proto::OutcomeCode;

/// One case decided by two reviewers: `(reviewer, outcome)` twice, in any order.
pub type DoubleDecision = ((String, OutcomeCode), (String, OutcomeCode));

/// The agreement of one reviewer pair (`first` < `second`).
#[derive(Debug, Clone, PartialEq)]
pub struct PairAgreement {
    /// One reviewer (the smaller id).
    pub first: String,
    /// The other.
    pub second: String,
    /// Cases both decided.
    pub cases: u64,
    /// Of those, with the same outcome.
    pub agreed: u64,
    /// `agreed / cases`, 0..=1.
    pub percent_agreement: f64,
    /// Cohen's kappa, `(p_o - p_e) / (1 - p_e)` with `p_e` the agreement expected from each
    /// reviewer's own outcome shares; absent when `p_e` is 1 (both always gave one and the
    /// same outcome: kappa is undefined).
    pub kappa: Option<f64>,
}

/// Agreement per reviewer pair, pairs in id order.
pub fn agreement(decisions: &[DoubleDecision]) -> Vec<PairAgreement> {
    let mut pairs: BTreeMap<(&str, &str), Vec<(OutcomeCode, OutcomeCode)>> = BTreeMap::new();
    for ((a, oa), (b, ob)) in decisions {
        let (key, outcomes) = if a <= b {
            ((a.as_str(), b.as_str()), (*oa, *ob))
        } else {
            ((b.as_str(), a.as_str()), (*ob, *oa))
        };
        pairs.entry(key).or_default().push(outcomes);
    }
    pairs
        .into_iter()
        .map(|((first, second), outcomes)| {
            let n = outcomes.len() as f64;
            let agreed = outcomes.iter().filter(|(a, b)| a == b).count() as u64;
            let p_o = agreed as f64 / n;
            let p_e: f64 = OutcomeCode::ALL
                .iter()
                .map(|code| {
                    let by_first = outcomes.iter().filter(|(a, _)| a == code).count() as f64;
                    let by_second = outcomes.iter().filter(|(_, b)| b == code).count() as f64;
                    (by_first / n) * (by_second / n)
                })
                .sum();
            PairAgreement {
                first: first.to_owned(),
                second: second.to_owned(),
                cases: outcomes.len() as u64,
                agreed,
                percent_agreement: p_o,
                kappa: (p_e < 1.0).then(|| (p_o - p_e) / (1.0 - p_e)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use OutcomeCode::{Approve, Reject};

    fn cases(
        first: &str,
        second: &str,
        counts: [(OutcomeCode, OutcomeCode, usize); 4],
    ) -> Vec<DoubleDecision> {
        counts
            .into_iter()
            .flat_map(|(a, b, n)| {
                std::iter::repeat_n(((first.to_owned(), a), (second.to_owned(), b)), n)
            })
            .collect()
    }

    #[test]
    fn kappa_matches_the_hand_computed_two_by_two_table() {
        // 50 cases: both approve 20, u_a approves and u_b rejects 5, the reverse 10, both
        // reject 15. p_o = 35/50 = 0.7; u_a approves 25/50, u_b 30/50, so
        // p_e = 0.5 × 0.6 + 0.5 × 0.4 = 0.5 and kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
        // The pair is given in both orders; it is one pair.
        let mut all = cases(
            "u_a",
            "u_b",
            [
                (Approve, Approve, 20),
                (Approve, Reject, 5),
                (Reject, Approve, 0),
                (Reject, Reject, 15),
            ],
        );
        all.extend(cases(
            "u_b",
            "u_a",
            [
                (Approve, Reject, 10),
                (Approve, Approve, 0),
                (Reject, Reject, 0),
                (Reject, Approve, 0),
            ],
        ));
        // A second pair that always approved together: 100 %, kappa undefined.
        all.extend(cases(
            "u_d",
            "u_c",
            [
                (Approve, Approve, 4),
                (Reject, Reject, 0),
                (Approve, Reject, 0),
                (Reject, Approve, 0),
            ],
        ));
        let got = agreement(&all);
        assert_eq!(got.len(), 2);
        let ab = &got[0];
        assert_eq!(
            (ab.first.as_str(), ab.second.as_str(), ab.cases, ab.agreed),
            ("u_a", "u_b", 50, 35)
        );
        assert!((ab.percent_agreement - 0.7).abs() < 1e-12);
        assert!((ab.kappa.unwrap() - 0.4).abs() < 1e-12, "{:?}", ab.kappa);
        let cd = &got[1];
        assert_eq!(
            (cd.first.as_str(), cd.cases, cd.percent_agreement, cd.kappa),
            ("u_c", 4, 1.0, None)
        );
    }
}
