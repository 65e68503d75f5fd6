//! Media downloads: digest header, ranges, and intake validation of media.

use kyc_proto::{DIGEST_HEADER, IntakeResponse, routes};
use reqwest::{Method, StatusCode, header};
use sha2::{Digest, Sha256};

use crate::support::*;

#[tokio::test]
async fn downloads_carry_the_digest_and_serve_single_ranges() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let cases = hub.intake_many(&admin, 1, 41).await;
    let a = hub.login(REVIEWER_A).await;
    let leased = hub.lease(&a, 1).await.cases.remove(0);
    assert_eq!(leased.media.len(), cases[0].media.len());
    for (manifest, (id, content_type, bytes)) in leased.media.iter().zip(&cases[0].media) {
        assert_eq!(&manifest.id, id);
        assert_eq!(&manifest.content_type, content_type);
        assert_eq!(manifest.size, bytes.len() as u64);
        assert_eq!(manifest.sha256, hex::encode(Sha256::digest(&bytes[..])));
        let full = hub.call(Method::GET, &routes::media(id), Some(&a), None::<&()>).await;
        assert_eq!(full.status, StatusCode::OK);
        assert_eq!(&full.body, &bytes[..]);
        assert_eq!(full.headers[DIGEST_HEADER], manifest.sha256.as_str());
        assert_eq!(full.headers[header::CONTENT_TYPE], content_type.as_str());
        assert_eq!(full.headers[header::CACHE_CONTROL], "no-store");

        let size = bytes.len();
        let ranged = hub
            .send(
                hub.client
                    .get(format!("{}{}", hub.base, routes::media(id)))
                    .bearer_auth(&a)
                    .header(header::RANGE, "bytes=2-9"),
            )
            .await;
        assert_eq!(ranged.status, StatusCode::PARTIAL_CONTENT);
        assert_eq!(&ranged.body, &bytes[2..=9]);
        assert_eq!(ranged.headers[header::CONTENT_RANGE], format!("bytes 2-9/{size}").as_str());
        assert_eq!(ranged.headers[DIGEST_HEADER], manifest.sha256.as_str());

        let tail = hub
            .send(
                hub.client
                    .get(format!("{}{}", hub.base, routes::media(id)))
                    .bearer_auth(&a)
                    .header(header::RANGE, "bytes=-5"),
            )
            .await;
        assert_eq!(&tail.body, &bytes[size - 5..]);

        let beyond = hub
            .send(
                hub.client
                    .get(format!("{}{}", hub.base, routes::media(id)))
                    .bearer_auth(&a)
                    .header(header::RANGE, format!("bytes={size}-")),
            )
            .await;
        beyond.expect_error(416, "range_not_satisfiable");
        assert_eq!(beyond.headers[header::CONTENT_RANGE], format!("bytes */{size}").as_str());
    }
}

#[tokio::test]
async fn intake_refuses_mismatched_or_hostile_media_and_duplicate_cases() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let case = make_cases(1, 42).remove(0);
    let good = intake_body(&case);

    let mut missing = good.clone();
    missing.media.pop();
    let mut bad_type = good.clone();
    bad_type.media[0].content_type = "text/html".into();
    let mut bad_base64 = good.clone();
    bad_base64.media[0].data_base64 = "***".into();
    let mut wrong_kind = good.clone();
    wrong_kind.case.kind = kyc_model::CaseKind::EnterpriseAccount;
    for (what, body) in
        [("missing", missing), ("type", bad_type), ("base64", bad_base64), ("kind", wrong_kind)]
    {
        let a = hub.call(Method::POST, routes::INTAKE, Some(&admin), Some(&body)).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{what}");
        assert_eq!(a.error().code, kyc_proto::ErrorCode::Invalid, "{what}");
    }
    let created = hub.call(Method::POST, routes::INTAKE, Some(&admin), Some(&good)).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let resp: IntakeResponse = created.json();
    assert_eq!(resp.case_id, case.case.id);
    hub.call(Method::POST, routes::INTAKE, Some(&admin), Some(&good))
        .await
        .expect_error(409, "conflict");
    // Failed intakes left no files behind: only the stored case's media are on disk.
    let files = std::fs::read_dir(hub.dir.path().join("media")).unwrap().count();
    assert_eq!(files, case.media.len());
}
