//! The offline limits on the workstation: the hub's client policy and the time of the last
//! contact with the hub, both kept sealed in the vault so that an offline unlock applies them,
//! and the wipe of a vault that has been away from its hub longer than the policy allows.

use kyc_model::{CaseId, LocalState};
use kyc_proto::ClientPolicy;
use time::OffsetDateTime;

use crate::error::SyncError;
use crate::workstation::Workstation;

/// Vault record: unix seconds of the last successful hub answer, as decimal ASCII.
const LAST_CONTACT: &str = "last_contact";
/// Vault record: the hub's [`ClientPolicy`] as JSON.
const CLIENT_POLICY: &str = "client_policy";
/// The stored last contact is rewritten only when it is at least this much older than the
/// client's: one sealed write a minute at most, not one per request.
const CONTACT_GRANULARITY_SECS: i64 = 60;

/// What [`Workstation::enforce_offline_limit`] did when the vault had been away too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfflineWipe {
    /// Cases removed with all their data.
    pub cases_removed: u32,
    /// Decisions still waiting to be pushed (kept; their case data is gone).
    pub decisions_kept: u32,
    /// Hours since the last contact with the hub, when the wipe happened.
    pub hours_away: u32,
}

impl Workstation {
    /// The client policy kept in the vault, or the hub's defaults if the vault never got one.
    /// Needs the vault unlocked.
    pub fn client_policy(&self) -> Result<ClientPolicy, SyncError> {
        match self.vault.sync_record(CLIENT_POLICY)? {
            Some(json) => serde_json::from_slice(&json)
                .map_err(|_| SyncError::Protocol { what: "stored client policy" }),
            None => Ok(ClientPolicy::default()),
        }
    }

    /// Fetches the hub's client policy and keeps it in the vault, for offline unlocks.
    pub async fn refresh_client_policy(&self) -> Result<ClientPolicy, SyncError> {
        let policy = self.guard(self.client.client_policy().await)?;
        let json =
            serde_json::to_vec(&policy).map_err(|_| SyncError::Protocol { what: "policy" })?;
        self.vault.put_sync_record(CLIENT_POLICY, &json)?;
        Ok(policy)
    }

    /// The last contact with the hub recorded in the vault (needs it unlocked).
    pub fn stored_last_contact(&self) -> Result<Option<OffsetDateTime>, SyncError> {
        let Some(raw) = self.vault.sync_record(LAST_CONTACT)? else { return Ok(None) };
        let secs: i64 = std::str::from_utf8(&raw)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or(SyncError::Protocol { what: "stored last contact" })?;
        OffsetDateTime::from_unix_timestamp(secs)
            .map(Some)
            .map_err(|_| SyncError::Protocol { what: "stored last contact" })
    }

    /// Sets the last contact recorded in the vault (the push loop and the offline wipe do;
    /// tests set it back to simulate time away).
    pub fn set_stored_last_contact(&self, at: OffsetDateTime) -> Result<(), SyncError> {
        self.vault.put_sync_record(LAST_CONTACT, at.unix_timestamp().to_string().as_bytes())?;
        Ok(())
    }

    /// Writes the client's last successful hub answer into the vault when it is newer than
    /// the stored one by a minute or more. Called by the push loop; a locked vault skips it.
    pub fn record_contact(&self) -> Result<(), SyncError> {
        let Some(seen) = self.client.last_contact() else { return Ok(()) };
        let stored = self.stored_last_contact()?;
        if stored.is_none_or(|s| (seen - s).whole_seconds() >= CONTACT_GRANULARITY_SECS) {
            self.set_stored_last_contact(seen)?;
        }
        Ok(())
    }

    /// Applies the policy's maximum offline time at a start or an unlock, with the vault
    /// unlocked, before anything is shown. The last contact is the one stored in the vault,
    /// or `also_seen` (a contact this process had while the vault was locked) if later. A
    /// vault without a stored contact (made before this rule) starts its clock now.
    ///
    /// Away longer than `max_offline_hours`: pushes the outbox first if the hub is reachable,
    /// then deletes the case data ([`kyc_vault::Vault::wipe_case_data`]: payloads and media;
    /// unpushed decisions stay and are pushed when the hub is reachable), gives the leases of
    /// the undecided cases back if it can, and restarts the clock.
    pub async fn enforce_offline_limit(
        &self,
        now: OffsetDateTime,
        also_seen: Option<OffsetDateTime>,
    ) -> Result<Option<OfflineWipe>, SyncError> {
        let policy = self.client_policy()?;
        let stored = self.stored_last_contact()?;
        let last = match (stored, also_seen) {
            (Some(s), Some(a)) => s.max(a),
            (Some(s), None) => s,
            (None, _) => {
                self.set_stored_last_contact(now)?;
                return Ok(None);
            }
        };
        let away = now - last;
        if away.whole_seconds() <= i64::from(policy.max_offline_hours) * 3600 {
            return Ok(None);
        }
        let hours_away = u32::try_from(away.whole_hours()).unwrap_or(u32::MAX);
        tracing::warn!(
            hours_away,
            "the vault was away from the hub too long: wiping its case data"
        );
        if self.client.is_signed_in() {
            match self.push_now().await {
                Ok(_) => {}
                Err(SyncError::AccountRevoked) => return Err(SyncError::AccountRevoked),
                Err(e) => tracing::info!(error = %e, "push before the offline wipe incomplete"),
            }
        }
        let undecided: Vec<CaseId> = self
            .vault
            .list_cases()?
            .into_iter()
            .filter(|c| c.state == LocalState::Ready)
            .map(|c| c.id)
            .collect();
        let wipe = self.vault.wipe_case_data()?;
        if self.client.is_signed_in() && !undecided.is_empty() {
            // Best effort: otherwise the leases simply expire on the hub.
            match self.release(&undecided).await {
                Ok(_) => {}
                Err(SyncError::AccountRevoked) => return Err(SyncError::AccountRevoked),
                Err(e) => tracing::info!(error = %e, "leases not released after the offline wipe"),
            }
        }
        self.set_stored_last_contact(now)?;
        let (decisions_kept, _) = self.pending_counts()?;
        Ok(Some(OfflineWipe { cases_removed: wipe.cases_removed, decisions_kept, hours_away }))
    }
}
