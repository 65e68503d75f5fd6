//! Markers: unique across cases, labels that do not reveal them, and present where a
//! privacy scan looks.

use std::collections::HashMap;

use kyc_model::Applicant;
use kyc_synth::generate_payload;

use crate::{opts, sample};

#[test]
fn every_marker_value_is_unique_over_500_cases() {
    let mut seen: HashMap<Vec<u8>, String> = HashMap::new();
    for i in 0..500 {
        let c = generate_payload(i, &opts(500));
        let markers = c.markers();
        assert!(markers.len() >= 2, "case {i} has markers");
        for (label, value) in markers {
            assert!(value.len() >= 3, "{label}: marker too short to be distinctive");
            let text = String::from_utf8_lossy(&value);
            assert!(!label.contains(text.as_ref()), "label {label:?} reveals its value");
            if let Some(other) = seen.insert(value, label.clone()) {
                panic!("{label} repeats {other}");
            }
        }
    }
}

#[test]
fn applicant_names_and_numbers_are_markers() {
    for i in 0..50 {
        let c = generate_payload(i, &opts(50));
        let values: Vec<Vec<u8>> = c.markers().into_iter().map(|(_, v)| v).collect();
        let covered = |s: &str| {
            values.iter().any(|v| s.as_bytes().windows(v.len()).any(|w| w == v.as_slice()))
        };
        let mut fields: Vec<&str> = Vec::new();
        match &c.case.applicant {
            Applicant::Individual { name, id_number, bank_card_number, phone, document_number } => {
                fields.push(name);
                fields.extend(
                    [id_number, bank_card_number, phone, document_number]
                        .into_iter()
                        .flatten()
                        .map(String::as_str),
                );
            }
            Applicant::Enterprise {
                company_name,
                uscc,
                legal_representative_name,
                legal_representative_id_number,
                authorised_person_name,
                authorised_person_id_number,
                account_number,
                ..
            } => {
                fields.push(company_name);
                fields.extend(
                    [
                        uscc,
                        legal_representative_name,
                        legal_representative_id_number,
                        authorised_person_name,
                        authorised_person_id_number,
                        account_number,
                    ]
                    .into_iter()
                    .flatten()
                    .map(String::as_str),
                );
            }
        }
        for d in &c.case.documents {
            fields.extend(
                [&d.fields.number, &d.fields.legal_representative, &d.fields.authorised_person]
                    .into_iter()
                    .flatten()
                    .map(String::as_str),
            );
        }
        for f in fields {
            assert!(covered(f), "case {i}: a field value is not covered by any marker");
        }
    }
}

#[test]
fn each_media_file_carries_its_byte_run() {
    for c in sample() {
        let runs: Vec<Vec<u8>> = c
            .markers()
            .into_iter()
            .filter(|(l, _)| l.contains("byte run"))
            .map(|(_, v)| v)
            .collect();
        assert_eq!(runs.len(), c.media.len());
        for (m, run) in c.media.iter().zip(&runs) {
            assert_eq!(run.len(), 32);
            assert!(m.bytes.windows(32).any(|w| w == run.as_slice()), "{} lacks its run", m.id);
        }
    }
}
