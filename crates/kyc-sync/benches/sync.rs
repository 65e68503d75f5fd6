//! Pull throughput: 100 seeded synthetic cases from a loopback hub into a fresh vault, against
//! the baseline of downloading the same bytes with the same HTTP client, same concurrency, and
//! no processing, measured in the same run (`cargo bench -p kyc-sync`, or `cargo xtask bench
//! sync`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use kyc_hub::config::{HubConfig, PasswordHashing};
use kyc_hub::ops;
use kyc_proto::{MediaManifest, Secret};
use kyc_sync::{CancellationToken, ClientConfig, HubClient, SyncOptions, Workstation};
use kyc_vault::{KdfParams, Password, Vault};

const N_CASES: usize = 100;

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Downloads every media object of `manifests` with `concurrency` downloads in flight.
async fn download_all(client: &HubClient, manifests: &[MediaManifest], concurrency: usize) -> u64 {
    futures_util::stream::iter(manifests)
        .map(|m| async move { client.media(m, &|_| {}).await.expect("download").len() as u64 })
        .buffer_unordered(concurrency)
        .fold(0u64, |acc, n| async move { acc + n })
        .await
}

/// Leases every case, downloads all media without processing, releases the cases again.
async fn baseline(client: &HubClient, concurrency: usize) -> (Duration, u64) {
    let started = Instant::now();
    let mut manifests = Vec::new();
    let mut ids = Vec::new();
    loop {
        let grant = client.lease(50).await.expect("lease");
        if grant.cases.is_empty() {
            break;
        }
        for c in grant.cases {
            ids.push(c.case.id);
            manifests.extend(c.media);
        }
    }
    assert_eq!(ids.len(), N_CASES);
    let bytes = download_all(client, &manifests, concurrency).await;
    let elapsed = started.elapsed();
    for chunk in ids.chunks(200) {
        client.release(chunk.to_vec()).await.expect("release");
    }
    (elapsed, bytes)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let hub_dir = tempfile::tempdir().unwrap();
        let seeded = ops::seed(hub_dir.path(), 0, 1, PasswordHashing::Cheap).unwrap();
        let password = seeded.accounts.iter().find(|a| a.username == "reviewer1").unwrap();
        let password = Secret::new(password.password.to_string());

        let started = Instant::now();
        let cases = kyc_synth::generate(&kyc_synth::SynthOptions {
            n_cases: N_CASES,
            rng_seed: 2026,
            today: time::OffsetDateTime::now_utc().date(),
        });
        let media_bytes: u64 =
            cases.iter().flat_map(|c| &c.media).map(|m| m.bytes.len() as u64).sum();
        let n_media: usize = cases.iter().map(|c| c.media.len()).sum();
        let n_images =
            cases.iter().flat_map(|c| &c.media).filter(|m| m.content_type.starts_with("image/")).count();
        println!(
            "setup: {N_CASES} cases, {n_media} media ({n_images} images), {:.1} MB, generated in {:.1?}",
            mb(media_bytes),
            started.elapsed()
        );
        {
            let (store, files) = ops::open_data_dir(hub_dir.path()).unwrap();
            let admin = store.user_by_name("admin").unwrap().unwrap();
            for c in &cases {
                let media = c
                    .media
                    .iter()
                    .map(|m| (m.id.clone(), m.content_type.to_owned(), m.bytes.clone().into()))
                    .collect();
                ops::store_case(store.as_ref(), &files, &c.case, media, &admin.id, now_ms())
                    .unwrap();
            }
        }
        drop(cases);
        let hub = kyc_hub::serve(HubConfig::for_tests(hub_dir.path())).await.unwrap();
        let options = SyncOptions::default();
        let concurrency = options.media_concurrency;

        let config = ClientConfig {
            kdf_floor: KdfParams::insecure_for_tests(),
            ..ClientConfig::new(hub.base_url())
        };
        let client = HubClient::new(config.clone()).unwrap();
        client.login("reviewer1", &password).await.unwrap();
        let (base_1, bytes) = baseline(&client, concurrency).await;
        assert_eq!(bytes, media_bytes);

        let data = tempfile::tempdir().unwrap();
        let vault =
            Vault::create(&data.path().join("vault"), &Password::new("bench"), KdfParams::insecure_for_tests())
                .unwrap();
        let ws = Arc::new(Workstation::new(
            HubClient::new(config).unwrap(),
            Arc::new(vault),
            data.path(),
            options,
        ));
        ws.login("reviewer1", &password).await.unwrap();
        let started = Instant::now();
        let report = ws.pull(N_CASES as u32, None, &CancellationToken::new()).await.unwrap();
        let pull = started.elapsed();
        assert_eq!(report.stored.len(), N_CASES, "{:?}", report.failed);
        let stored: u64 = ws.vault().list_cases().unwrap().iter().map(|c| c.bytes).sum();

        // The baseline again, after the pull (same page cache state), on released cases.
        ws.logout().await.unwrap();
        let (base_2, _) = baseline(&client, concurrency).await;
        let base = base_1.min(base_2);

        let rate = |d: Duration| mb(media_bytes) / d.as_secs_f64();
        println!(
            "baseline download only ({concurrency} in flight): {:.2?} / {:.2?} -> best {:.2?}, {:.1} MB/s",
            base_1,
            base_2,
            base,
            rate(base)
        );
        println!(
            "pull into the vault: {pull:.2?}, {:.1} MB/s of media; ratio pull/baseline = {:.2}x",
            rate(pull),
            pull.as_secs_f64() / base.as_secs_f64()
        );
        println!("stored in the vault: {:.1} MB of renditions and videos", mb(stored));
        let t = report.timings;
        let total = (t.download + t.digest + t.renditions + t.sealing).as_secs_f64();
        let share = |d: Duration| 100.0 * d.as_secs_f64() / total;
        println!("where the time goes (summed over concurrent cases):");
        for (stage, d) in [
            ("download", t.download),
            ("digest", t.digest),
            ("renditions", t.renditions),
            ("sealing", t.sealing),
        ] {
            println!("  {stage:<11} {:>9.2?}  {:>5.1} %", d, share(d));
        }
        hub.shutdown().await.unwrap();
    });
}
