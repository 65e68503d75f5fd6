//! The UI reads while the sync task writes: no deadlock, no "database is locked".

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use kyc_vault::Variant;

use crate::support::{decision_for, new_vault, put, sample};

#[test]
fn readers_on_several_threads_while_one_writer_writes() {
    let t = new_vault();
    let vault = Arc::new(t.vault);
    let first = sample(0);
    put(&vault, &first);
    let first = Arc::new(first);
    let done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|i| {
            let (vault, first, done) = (vault.clone(), first.clone(), done.clone());
            std::thread::spawn(move || {
                let mut n_reads = 0u32;
                while !done.load(Ordering::Relaxed) || n_reads < 5 {
                    let (id, variant, bytes) = &first.media[i % first.media.len()];
                    let got = vault.read_media_range(id, *variant, 0..bytes.len() as u64).unwrap();
                    assert_eq!(&got, bytes);
                    assert_eq!(vault.case(&first.case.id).unwrap(), first.case);
                    vault.list_cases().unwrap();
                    n_reads += 1;
                }
                n_reads
            })
        })
        .collect();
    let writer = {
        let vault = vault.clone();
        std::thread::spawn(move || {
            for n in 1..8 {
                let s = sample(n);
                put(&vault, &s);
                if n.is_multiple_of(2) {
                    vault.record_decision(&decision_for(&s.case, "n")).unwrap();
                } else {
                    vault.purge_case(&s.case.id).unwrap();
                }
            }
        })
    };
    writer.join().unwrap();
    done.store(true, Ordering::Relaxed);
    for r in readers {
        assert!(r.join().unwrap() >= 5);
    }
    assert_eq!(vault.outbox().unwrap().len(), 3);
    assert_eq!(vault.read_media(&first.media[0].0, Variant::Original).unwrap(), first.media[0].2);
}

#[test]
fn lock_while_reading_on_other_threads_never_panics() {
    let t = new_vault();
    let vault = Arc::new(t.vault);
    let s = Arc::new(sample(0));
    put(&vault, &s);
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let (vault, s) = (vault.clone(), s.clone());
            std::thread::spawn(move || {
                for _ in 0..200 {
                    match vault.case(&s.case.id) {
                        Ok(case) => assert_eq!(case, s.case),
                        Err(kyc_vault::VaultError::Locked) => {}
                        Err(e) => panic!("{e:?}"),
                    }
                }
            })
        })
        .collect();
    for _ in 0..20 {
        vault.lock();
        vault.unlock(&crate::support::password()).unwrap();
    }
    for h in handles {
        h.join().unwrap();
    }
}
