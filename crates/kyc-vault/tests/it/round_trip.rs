//! Everything stored comes back exactly, including ranges at chunk boundaries.

use kyc_model::MediaId;
use kyc_vault::{CHUNK_LEN, ContentType, MediaInfo, MediaInput, MediaSource, Variant, VaultError};

use crate::support::{lease, new_vault, put, random_bytes, sample};

#[test]
fn case_and_media_round_trip() {
    let t = new_vault();
    let s = sample(0);
    put(&t.vault, &s);
    assert_eq!(t.vault.case(&s.case.id).unwrap(), s.case);
    for (id, variant, bytes) in &s.media {
        assert_eq!(&t.vault.read_media(id, *variant).unwrap(), bytes);
        assert_eq!(
            t.vault.media_info(id, *variant).unwrap(),
            MediaInfo { len: bytes.len() as u64, content_type: ContentType::Jpeg }
        );
    }
    let listed = t.vault.list_cases().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, s.case.id);
    assert_eq!(listed[0].state, kyc_model::LocalState::Ready);
    assert_eq!(listed[0].n_media, 2);
    assert_eq!(listed[0].bytes, s.media.iter().map(|m| m.2.len() as u64).sum::<u64>());
    assert!((listed[0].lease_expires_at - lease()).abs() < time::Duration::seconds(5));
}

/// A case whose single document has one media object of `len` bytes.
fn one_media_case(len: usize) -> (kyc_model::Case, MediaId, Vec<u8>) {
    let mut s = sample(0);
    let id = MediaId::random();
    s.case.documents.truncate(1);
    s.case.documents[0].media = vec![id.clone()];
    (s.case, id, random_bytes(len))
}

#[test]
fn ranges_at_chunk_boundaries() {
    let c = CHUNK_LEN;
    for len in [0, 1, c - 1, c, c + 1, 3 * c, 3 * c + 17] {
        let t = new_vault();
        let (case, id, bytes) = one_media_case(len as usize);
        let input =
            MediaInput::bytes(id.clone(), Variant::Display, ContentType::Png, bytes.clone());
        t.vault.put_case(&case, lease(), vec![input]).unwrap();
        assert_eq!(t.vault.read_media(&id, Variant::Display).unwrap(), bytes, "len {len}");
        let mut ranges = vec![0..0, 0..len, len..len];
        for point in [0, c - 1, c, c + 1, 2 * c, len.saturating_sub(1)] {
            if point < len {
                ranges.push(point..point + 1);
                ranges.push(point..len);
                ranges.push(0..point + 1);
                ranges.push(point..point);
            }
        }
        for range in ranges {
            let got = t.vault.read_media_range(&id, Variant::Display, range.clone()).unwrap();
            assert_eq!(
                got,
                &bytes[range.start as usize..range.end as usize],
                "len {len} {range:?}"
            );
        }
        for bad in [0..len + 1, len + 1..len + 1] {
            assert!(matches!(
                t.vault.read_media_range(&id, Variant::Display, bad),
                Err(VaultError::RangeOutOfBounds { .. })
            ));
        }
        #[allow(clippy::reversed_empty_ranges)]
        let backwards = 1..0;
        assert!(t.vault.read_media_range(&id, Variant::Display, backwards).is_err());
    }
}

#[test]
fn media_streamed_from_a_reader_round_trips_and_wrong_lengths_store_nothing() {
    let t = new_vault();
    let (case, id, bytes) = one_media_case(5 * CHUNK_LEN as usize + 5);
    let source = |len: u64, data: Vec<u8>| MediaInput {
        id: id.clone(),
        variant: Variant::Original,
        content_type: ContentType::Mp4,
        source: MediaSource::Reader { reader: Box::new(std::io::Cursor::new(data)), len },
    };
    let n = bytes.len() as u64;
    for (declared, data) in [(n + 1, bytes.clone()), (n - 1, bytes.clone())] {
        let err = t.vault.put_case(&case, lease(), vec![source(declared, data)]).unwrap_err();
        assert!(matches!(err, VaultError::MediaLength(_)), "{err:?}");
        assert!(t.vault.list_cases().unwrap().is_empty(), "a failed put leaves nothing");
    }
    t.vault.put_case(&case, lease(), vec![source(n, bytes.clone())]).unwrap();
    assert_eq!(t.vault.read_media(&id, Variant::Original).unwrap(), bytes);
    assert_eq!(
        t.vault.read_media_range(&id, Variant::Original, 65_000..200_000).unwrap(),
        &bytes[65_000..200_000]
    );
}

#[test]
fn a_case_is_stored_whole_or_not_at_all() {
    let t = new_vault();
    let s = sample(0);
    let mut inputs = s.inputs();
    let dropped = inputs.remove(0).id;
    assert!(matches!(
        t.vault.put_case(&s.case, lease(), inputs),
        Err(VaultError::MissingMedia(id)) if id == dropped
    ));
    let mut inputs = s.inputs();
    inputs.push(MediaInput::bytes(
        MediaId::random(),
        Variant::Original,
        ContentType::Jpeg,
        vec![1],
    ));
    assert!(matches!(
        t.vault.put_case(&s.case, lease(), inputs),
        Err(VaultError::UnexpectedMedia { .. })
    ));
    let mut inputs = s.inputs();
    let dup = MediaInput::bytes(s.media[0].0.clone(), Variant::Original, ContentType::Jpeg, vec![]);
    inputs.push(dup);
    assert!(matches!(
        t.vault.put_case(&s.case, lease(), inputs),
        Err(VaultError::UnexpectedMedia { .. })
    ));
    assert!(t.vault.list_cases().unwrap().is_empty());
    put(&t.vault, &s);
    assert!(matches!(
        t.vault.put_case(&s.case, lease(), s.inputs()),
        Err(VaultError::CaseExists(_))
    ));
}

#[test]
fn unknown_ids_are_typed_errors() {
    let t = new_vault();
    let case = kyc_model::CaseId::random();
    assert!(matches!(t.vault.case(&case), Err(VaultError::CaseNotFound(_))));
    let media = MediaId::random();
    assert!(matches!(
        t.vault.read_media(&media, Variant::Original),
        Err(VaultError::MediaNotFound { .. })
    ));
    assert!(matches!(t.vault.purge_case(&case), Err(VaultError::CaseNotFound(_))));
}

#[test]
fn set_lease_and_purge() {
    let t = new_vault();
    let s = sample(0);
    put(&t.vault, &s);
    let later = time::OffsetDateTime::from_unix_timestamp(2_000_000_000).unwrap();
    t.vault.set_lease(&s.case.id, later).unwrap();
    assert_eq!(t.vault.list_cases().unwrap()[0].lease_expires_at, later);
    t.vault.purge_case(&s.case.id).unwrap();
    assert!(t.vault.list_cases().unwrap().is_empty());
    assert!(matches!(t.vault.case(&s.case.id), Err(VaultError::CaseNotFound(_))));
    assert!(matches!(
        t.vault.read_media(&s.media[0].0, Variant::Original),
        Err(VaultError::MediaNotFound { .. })
    ));
}
