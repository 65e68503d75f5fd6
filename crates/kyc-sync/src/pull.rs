//! Pulling: lease cases, download their media with bounded concurrency, verify digests, make
//! renditions on the blocking pool, and seal each case into the vault in one transaction.
//!
//! What the vault keeps per media object: for an image, the watermarked display rendition and
//! thumbnail (both re-encoded, so no metadata of the upload survives; the unwatermarked
//! original is not kept, so nothing can show it without the reviewer's mark); for a video, the
//! digest-verified original after a container check.
//!
//! Crash safety: a case appears in the vault whole or not at all (`Vault::put_case` is one
//! transaction). Leased cases are listed in the journal of the sync state file before any
//! download; cases that a crash or a network cut left unstored are released at the next pull
//! or logout (see [`Workstation::recover_interrupted_pull`]).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use kyc_media::{MediaError, Watermark};
use kyc_model::{CaseId, MediaId, UserId};
use kyc_proto::{
    LeasedCase, MAX_LEASE_BATCH, MediaManifest, MediaProblemCode, MediaProblemOutcome,
    MediaProblemReport,
};
use kyc_vault::{ContentType, MediaInput, Variant, VaultError};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tokio::sync::{Semaphore, watch};
use tokio_util::sync::CancellationToken;

use crate::error::SyncError;
use crate::workstation::Workstation;

/// Progress of a pull, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PullProgress {
    /// Cases finished (stored or failed).
    pub cases_done: u32,
    /// Cases leased by this pull.
    pub cases_total: u32,
    /// Media bytes downloaded.
    pub bytes_done: u64,
    /// Media bytes of all leased cases.
    pub bytes_total: u64,
}

/// Why one case could not be made ready. Its lease is released (or will be at the next pull).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PullFailure {
    /// A media object's bytes do not match the digest in the lease.
    #[error("media {media} does not match its digest")]
    Digest {
        /// The media object.
        media: MediaId,
    },
    /// A media object's size or digest header disagrees with the lease.
    #[error("media {media} has the wrong size or digest header")]
    Size {
        /// The media object.
        media: MediaId,
    },
    /// The declared content type is not one the workstation shows, or the bytes are another
    /// format than declared.
    #[error("media {media} is not of its declared type")]
    ContentType {
        /// The media object.
        media: MediaId,
    },
    /// The media pipeline refused the bytes (corrupt, too large, decompression bomb, ...).
    #[error("media {media} was refused: {error}")]
    Media {
        /// The media object.
        media: MediaId,
        /// Why.
        error: MediaError,
    },
    /// The lease was lost while downloading.
    #[error("the lease was lost during the pull")]
    LeaseLost,
    /// The hub stayed unreachable through every retry.
    #[error("the hub was unreachable")]
    Unavailable,
    /// The vault refused the case.
    #[error("the vault could not store the case")]
    Vault,
}

impl PullFailure {
    /// The media object and the code to report to the hub, for failures that are about the
    /// media themselves (not the network, the lease or the vault, and not our own encoder).
    pub fn media_problem(&self) -> Option<MediaProblemReport> {
        let (media, reason) = match self {
            PullFailure::Digest { media } => (media, MediaProblemCode::DigestMismatch),
            PullFailure::Size { media } => (media, MediaProblemCode::SizeMismatch),
            PullFailure::ContentType { media } => (media, MediaProblemCode::ContentTypeMismatch),
            PullFailure::Media { media, error } => (
                media,
                match error {
                    MediaError::Empty => MediaProblemCode::Empty,
                    MediaError::Unsupported => MediaProblemCode::UnsupportedFormat,
                    MediaError::NotAnImage { .. } | MediaError::NotAVideo { .. } => {
                        MediaProblemCode::ContentTypeMismatch
                    }
                    MediaError::TooLarge { .. } => MediaProblemCode::TooLarge,
                    MediaError::TooManyPixels { .. } => MediaProblemCode::TooManyPixels,
                    MediaError::AllocationLimit { .. } => MediaProblemCode::AllocationLimit,
                    MediaError::Corrupt { .. } => MediaProblemCode::Corrupt,
                    MediaError::UnsupportedCodec { .. } => MediaProblemCode::UnsupportedCodec,
                    MediaError::Encode => return None,
                },
            ),
            PullFailure::LeaseLost | PullFailure::Unavailable | PullFailure::Vault => return None,
        };
        Some(MediaProblemReport { media_id: media.clone(), reason })
    }
}

/// One case that did not arrive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedCase {
    /// The case.
    pub case_id: CaseId,
    /// Why.
    pub reason: PullFailure,
    /// The failure was about the media, the pull reported it, and the hub's own check of the
    /// stored bytes confirmed it: the case left the hub's queue for an administrator and will
    /// not come back to any reviewer. `false` when not reported, refuted, or the report did
    /// not get through (the lease is then released as for any failure).
    pub needs_attention: bool,
}

/// Where a pull's time went, summed over all cases (stages of different cases overlap, so the
/// sum can exceed the wall time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PullTimings {
    /// Waiting for and receiving media bytes.
    pub download: Duration,
    /// SHA-256 of the downloaded bytes.
    pub digest: Duration,
    /// Decoding, resizing, watermarking, encoding; video container checks.
    pub renditions: Duration,
    /// Sealing and writing into the vault.
    pub sealing: Duration,
}

/// What a pull did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    /// Cases now ready in the vault.
    pub stored: Vec<CaseId>,
    /// Cases that could not be made ready, with the reason.
    pub failed: Vec<FailedCase>,
    /// Whether the pull was cancelled (cases not stored were given back).
    pub cancelled: bool,
    /// Leases of an earlier interrupted pull that were given back first.
    pub recovered: u32,
    /// Media bytes downloaded.
    pub bytes: u64,
    /// Where the time went.
    pub timings: PullTimings,
}

enum CaseOutcome {
    Stored,
    Failed(PullFailure),
    Cancelled,
}

struct Ctx<'a> {
    user: UserId,
    downloads: Semaphore,
    progress: Option<&'a watch::Sender<PullProgress>>,
    cancel: &'a CancellationToken,
    timings: Mutex<PullTimings>,
    bytes: AtomicU64,
}

impl Ctx<'_> {
    fn add_bytes(&self, n: i64) {
        if let Some(p) = self.progress {
            p.send_modify(|p| p.bytes_done = p.bytes_done.saturating_add_signed(n));
        }
    }

    fn time(&self, f: impl FnOnce(&mut PullTimings)) {
        f(&mut self.timings.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub(crate) struct Prepared {
    pub(crate) inputs: Vec<MediaInput>,
    digest: Duration,
    renditions: Duration,
}

/// Verifies and renders a case's media (CPU-bound: runs on the blocking pool).
pub(crate) fn prepare(
    media: Vec<(MediaManifest, Vec<u8>)>,
    limits: &kyc_media::Limits,
    watermark: &Watermark,
) -> Result<Prepared, PullFailure> {
    let mut out =
        Prepared { inputs: Vec::new(), digest: Duration::ZERO, renditions: Duration::ZERO };
    for (manifest, bytes) in media {
        let id = manifest.id;
        let started = Instant::now();
        let digest = sha256_hex(&bytes);
        out.digest += started.elapsed();
        if !digest.eq_ignore_ascii_case(&manifest.sha256) {
            return Err(PullFailure::Digest { media: id });
        }
        let started = Instant::now();
        let declared = ContentType::from_mime(&manifest.content_type)
            .ok_or(PullFailure::ContentType { media: id.clone() })?;
        let format = kyc_media::sniff(&bytes)
            .map_err(|error| PullFailure::Media { media: id.clone(), error })?;
        if format.content_type() != declared.mime() {
            return Err(PullFailure::ContentType { media: id });
        }
        if format.is_video() {
            kyc_media::inspect_playable_video(&bytes, limits)
                .map_err(|error| PullFailure::Media { media: id.clone(), error })?;
            out.inputs.push(MediaInput::bytes(id, Variant::Original, declared, bytes));
        } else {
            let r = kyc_media::prepare_image(&bytes, limits, watermark)
                .map_err(|error| PullFailure::Media { media: id.clone(), error })?;
            drop(bytes);
            out.inputs.push(MediaInput::bytes(
                id.clone(),
                Variant::Display,
                ContentType::Jpeg,
                r.display.bytes,
            ));
            out.inputs.push(MediaInput::bytes(
                id,
                Variant::Thumbnail,
                ContentType::Jpeg,
                r.thumbnail.bytes,
            ));
        }
        out.renditions += started.elapsed();
    }
    Ok(out)
}

impl Workstation {
    /// Leases up to `n` cases and makes each ready in the vault, `options.case_concurrency`
    /// cases and `options.media_concurrency` downloads at a time. Progress goes to `progress`;
    /// `cancel` stops the pull between steps (cases not stored are given back). A case whose
    /// media fail verification is reported in [`PullReport::failed`] and released; the others
    /// still arrive. Errors that stop everything: not signed in, account revoked (the vault is
    /// wiped), the vault locked, or the hub unreachable before any lease was granted.
    pub async fn pull(
        &self,
        n: u32,
        progress: Option<&watch::Sender<PullProgress>>,
        cancel: &CancellationToken,
    ) -> Result<PullReport, SyncError> {
        self.pull_with(n, false, progress, cancel).await
    }

    /// [`Workstation::pull`]; with `offline`, asks for leases for offline work (the policy's
    /// `offline_lease_hours`, kept by renewals).
    pub async fn pull_with(
        &self,
        n: u32,
        offline: bool,
        progress: Option<&watch::Sender<PullProgress>>,
        cancel: &CancellationToken,
    ) -> Result<PullReport, SyncError> {
        let user = self.session().ok_or(SyncError::Unauthorized)?.user;
        let mut report = PullReport::default();
        match self.recover_interrupted_pull().await {
            Ok(n) => report.recovered = n,
            Err(e) if e.is_transient() => {}
            Err(e) => return Err(e),
        }
        let mut leased: Vec<LeasedCase> = Vec::new();
        while (leased.len() as u32) < n && !cancel.is_cancelled() {
            let ask = (n - leased.len() as u32).min(MAX_LEASE_BATCH);
            let grant = match self.guard(self.client.lease_for(ask, offline).await) {
                Ok(grant) => grant,
                Err(e) if leased.is_empty() => return Err(e),
                // Work with what was granted; the rest can be pulled later.
                Err(_) => break,
            };
            if grant.cases.is_empty() {
                break;
            }
            let ids: Vec<CaseId> = grant.cases.iter().map(|c| c.case.id.clone()).collect();
            self.state.update(|s| s.pulling.extend(ids))?;
            leased.extend(grant.cases);
        }
        tracing::debug!(cases = leased.len(), recovered = report.recovered, "leases granted");
        if let Some(p) = progress {
            p.send_replace(PullProgress {
                cases_done: 0,
                cases_total: leased.len() as u32,
                bytes_done: 0,
                bytes_total: leased.iter().flat_map(|c| &c.media).map(|m| m.size).sum(),
            });
        }
        let ctx = Ctx {
            user,
            downloads: Semaphore::new(self.options.media_concurrency.max(1)),
            progress,
            cancel,
            timings: Mutex::new(PullTimings::default()),
            bytes: AtomicU64::new(0),
        };
        let outcomes: Vec<(CaseId, Result<CaseOutcome, SyncError>)> =
            futures_util::stream::iter(leased)
                .map(|lc| {
                    let ctx = &ctx;
                    async move {
                        let id = lc.case.id.clone();
                        let outcome = self.pull_case(lc, ctx).await;
                        if let Some(p) = ctx.progress {
                            p.send_modify(|p| p.cases_done += 1);
                        }
                        (id, outcome)
                    }
                })
                .buffer_unordered(self.options.case_concurrency.max(1))
                .collect()
                .await;
        report.bytes = ctx.bytes.load(Ordering::Relaxed);
        report.timings =
            ctx.timings.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut give_back = Vec::new();
        let mut fatal = None;
        for (case_id, outcome) in outcomes {
            match outcome {
                Ok(CaseOutcome::Stored) => {
                    tracing::debug!(case = %case_id, "case stored");
                    report.stored.push(case_id)
                }
                Ok(CaseOutcome::Failed(reason)) => {
                    tracing::debug!(case = %case_id, %reason, "case not stored; lease given back");
                    let needs_attention = self.report_media_problem(&case_id, &reason).await;
                    give_back.push(case_id.clone());
                    report.failed.push(FailedCase { case_id, reason, needs_attention });
                }
                Ok(CaseOutcome::Cancelled) => {
                    report.cancelled = true;
                    give_back.push(case_id);
                }
                Err(e) => {
                    give_back.push(case_id);
                    fatal.get_or_insert(e);
                }
            }
        }
        if let Some(SyncError::AccountRevoked) = fatal {
            return Err(self.guard::<()>(Err(SyncError::AccountRevoked)).unwrap_err());
        }
        let released = !give_back.is_empty() && self.release(&give_back).await.is_ok();
        let stored = report.stored.clone();
        self.state.update(|s| {
            let done = |id: &CaseId| stored.contains(id) || (released && give_back.contains(id));
            s.pulling.retain(|id| !done(id))
        })?;
        if let Some(e) = fatal {
            return Err(e);
        }
        tracing::debug!(
            stored = report.stored.len(),
            failed = report.failed.len(),
            bytes = report.bytes,
            cancelled = report.cancelled,
            "pull finished"
        );
        Ok(report)
    }

    /// Tells the hub about a case whose media could not be used, while the lease is still
    /// held, so that a poison case stops circulating. Whether the hub confirmed it; a failed
    /// report changes nothing here (the lease is released as for any failure).
    async fn report_media_problem(&self, case_id: &CaseId, reason: &PullFailure) -> bool {
        let Some(problem) = reason.media_problem() else { return false };
        match self.client.report_media_problem(case_id, &problem).await {
            Ok(answer) => {
                let confirmed = answer.outcome == MediaProblemOutcome::Confirmed;
                tracing::info!(
                    case = %case_id,
                    media = %problem.media_id,
                    reason = problem.reason.code(),
                    confirmed,
                    "media problem reported"
                );
                confirmed
            }
            Err(e) => {
                tracing::warn!(case = %case_id, error = %e, "media problem not reported");
                false
            }
        }
    }

    async fn pull_case(&self, leased: LeasedCase, ctx: &Ctx<'_>) -> Result<CaseOutcome, SyncError> {
        if ctx.cancel.is_cancelled() {
            return Ok(CaseOutcome::Cancelled);
        }
        let downloads = leased.media.iter().map(|m| self.download(m, ctx));
        let bodies = futures_util::future::join_all(downloads).await;
        let mut media = Vec::with_capacity(bodies.len());
        for (manifest, body) in leased.media.iter().zip(bodies) {
            match body {
                Ok(bytes) => media.push((manifest.clone(), bytes)),
                Err(SyncError::Integrity { media }) => {
                    return Ok(CaseOutcome::Failed(PullFailure::Size { media }));
                }
                Err(SyncError::LeaseLost) => {
                    return Ok(CaseOutcome::Failed(PullFailure::LeaseLost));
                }
                Err(e) if e.is_transient() || matches!(e, SyncError::Protocol { .. }) => {
                    return Ok(CaseOutcome::Failed(PullFailure::Unavailable));
                }
                Err(e) => return Err(e),
            }
        }
        if ctx.cancel.is_cancelled() {
            return Ok(CaseOutcome::Cancelled);
        }
        let watermark = Watermark {
            reviewer: ctx.user.clone(),
            case_ref: leased.case.id.to_string(),
            at: OffsetDateTime::now_utc(),
        };
        let limits = self.options.media_limits;
        let prepared = tokio::task::spawn_blocking(move || prepare(media, &limits, &watermark))
            .await
            .map_err(|_| SyncError::Protocol { what: "rendition task panicked" })?;
        let prepared = match prepared {
            Ok(p) => p,
            Err(reason) => return Ok(CaseOutcome::Failed(reason)),
        };
        ctx.time(|t| {
            t.digest += prepared.digest;
            t.renditions += prepared.renditions;
        });
        let vault = self.vault.clone();
        let started = Instant::now();
        let LeasedCase { case, lease_expires_at, .. } = leased;
        let put = tokio::task::spawn_blocking(move || {
            vault.put_case(&case, lease_expires_at, prepared.inputs)
        })
        .await
        .map_err(|_| SyncError::Protocol { what: "sealing task panicked" })?;
        ctx.time(|t| t.sealing += started.elapsed());
        match put {
            // Stored by an earlier pull whose journal update was cut short.
            Ok(()) | Err(VaultError::CaseExists(_)) => Ok(CaseOutcome::Stored),
            Err(e @ (VaultError::Locked | VaultError::Wiped | VaultError::KeyExhausted)) => {
                Err(e.into())
            }
            Err(e) => {
                tracing::warn!(error = %e, "case not stored");
                Ok(CaseOutcome::Failed(PullFailure::Vault))
            }
        }
    }

    async fn download(
        &self,
        manifest: &MediaManifest,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<u8>, SyncError> {
        let mut attempt = 0;
        loop {
            let permit = ctx.downloads.acquire().await.expect("the semaphore is never closed");
            let counted = AtomicU64::new(0);
            let started = Instant::now();
            let on_bytes = |n: u64| {
                counted.fetch_add(n, Ordering::Relaxed);
                ctx.add_bytes(n as i64);
            };
            let result = self.client.media(manifest, &on_bytes).await;
            drop(permit);
            ctx.time(|t| t.download += started.elapsed());
            match result {
                Ok(bytes) => {
                    tracing::debug!(media = %manifest.id, bytes = bytes.len(), "media downloaded");
                    ctx.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                    return Ok(bytes);
                }
                Err(e) => {
                    // Bytes of a failed try do not count towards the progress bar.
                    ctx.add_bytes(-(counted.into_inner() as i64));
                    attempt += 1;
                    if !e.is_transient() || attempt >= self.options.download_attempts {
                        return Err(e);
                    }
                    tokio::time::sleep(Duration::from_millis(250) * attempt).await;
                }
            }
        }
    }
}
