//! The administrator's calls to the hub: accounts, policy, cases that need attention, and the
//! latest administrative audit records. Online only: nothing here is kept on the machine. A
//! one-time password the hub generates arrives in the one answer that made it, as a
//! [`kyc_proto::Secret`] (zeroed on drop, never printed); it is the caller's to show once.

use kyc_model::{CaseId, UserId};
use kyc_proto::{
    AdminEventList, AdminEventsQuery, AttentionAction, AttentionResolution, AttentionResolved,
    CreateUserRequest, NeedsAttentionList, Policy, Role, UpdateUserRequest, UserSummary, routes,
};
use reqwest::Method;

use crate::client::HubClient;
use crate::error::SyncError;

impl HubClient {
    /// Every account.
    pub async fn admin_users(&self) -> Result<Vec<UserSummary>, SyncError> {
        self.call::<(), _>(Method::GET, routes::ADMIN_USERS, None).await
    }

    /// Creates an account without a password: the hub generates a one-time one and returns
    /// it once in [`UserSummary::one_time_password`].
    pub async fn admin_create_user(
        &self,
        username: &str,
        role: Role,
    ) -> Result<UserSummary, SyncError> {
        let request = CreateUserRequest { username: username.to_owned(), role, password: None };
        self.call(Method::POST, routes::ADMIN_USERS, Some(&request)).await
    }

    /// Changes an account (disable or enable, role, password); the hub audits each change and
    /// never lets an administrator change their own role or disable themselves.
    pub async fn admin_update_user(
        &self,
        id: &UserId,
        change: &UpdateUserRequest,
    ) -> Result<UserSummary, SyncError> {
        self.call(Method::PATCH, &routes::admin_user(id), Some(change)).await
    }

    /// Disables (every session of the account ends) or enables an account.
    pub async fn admin_set_disabled(
        &self,
        id: &UserId,
        disabled: bool,
    ) -> Result<UserSummary, SyncError> {
        let change = UpdateUserRequest { disabled: Some(disabled), ..Default::default() };
        self.admin_update_user(id, &change).await
    }

    /// Changes an account's role.
    pub async fn admin_set_role(&self, id: &UserId, role: Role) -> Result<UserSummary, SyncError> {
        let change = UpdateUserRequest { role: Some(role), ..Default::default() };
        self.admin_update_user(id, &change).await
    }

    /// Resets an account's password: the hub generates a one-time one and returns it once in
    /// [`UserSummary::one_time_password`] (every session of the account ends).
    pub async fn admin_reset_password(&self, id: &UserId) -> Result<UserSummary, SyncError> {
        let change = UpdateUserRequest { reset_password: Some(true), ..Default::default() };
        self.admin_update_user(id, &change).await
    }

    /// The hub's policy.
    pub async fn admin_policy(&self) -> Result<Policy, SyncError> {
        self.call::<(), _>(Method::GET, routes::ADMIN_POLICY, None).await
    }

    /// Replaces the whole policy; the answer is the policy as stored.
    pub async fn admin_set_policy(&self, policy: &Policy) -> Result<Policy, SyncError> {
        self.call(Method::PUT, routes::ADMIN_POLICY, Some(policy)).await
    }

    /// Cases taken out of the queue because their media are unusable, oldest first.
    pub async fn admin_needs_attention(&self) -> Result<NeedsAttentionList, SyncError> {
        self.call::<(), _>(Method::GET, routes::ADMIN_NEEDS_ATTENTION, None).await
    }

    /// Returns a case that needs attention to the queue, or closes it as unusable.
    pub async fn admin_resolve_attention(
        &self,
        case_id: &CaseId,
        action: AttentionAction,
    ) -> Result<AttentionResolved, SyncError> {
        let body = AttentionResolution { action };
        self.call(Method::POST, &routes::admin_needs_attention_case(case_id), Some(&body)).await
    }

    /// The latest administrative audit records (account, policy and needs-attention changes),
    /// newest first, at most `limit` (the hub allows 1..=200).
    pub async fn admin_events(&self, limit: u32) -> Result<AdminEventList, SyncError> {
        self.get_query(routes::ADMIN_EVENTS, &AdminEventsQuery { limit: Some(limit) }).await
    }
}
