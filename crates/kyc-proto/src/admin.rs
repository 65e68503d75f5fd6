//! Administration: accounts, policy, retention.

use kyc_model::{CaseKind, Outcome, ReasonCode, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::auth::Role;
use crate::secret::Secret;
use crate::supervisor::{OutcomeCode, OverturnAction};

/// An account as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserSummary {
    /// Account id.
    pub id: UserId,
    /// Login handle.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Whether the account is disabled (its sessions are dead).
    pub disabled: bool,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Whether its password was set by an administrator (creation or reset) and not yet
    /// replaced by its owner. Absent from older hubs: false.
    #[serde(default)]
    pub password_change_required: bool,
    /// A password the hub generated, in the one answer that made it (an account created
    /// without a password, or `reset_password`): show it once, it is never sent again. The
    /// account must change it at its first sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Password)]
    pub one_time_password: Option<Secret>,
}

/// Whether `name` is a valid login handle: 3..=64 of `[a-z0-9._-]` (the hub's rule, which the
/// app checks before it asks).
pub fn valid_username(name: &str) -> bool {
    (3..=64).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
}

/// Shortest password the hub accepts when one is given.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// `POST /api/v1/admin/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Login handle: 3..=64 of `[a-z0-9._-]`.
    #[schema(pattern = "^[a-z0-9._-]{3,64}$")]
    pub username: String,
    /// Role.
    pub role: Role,
    /// Initial password, at least 12 characters. Absent: the hub generates one and returns
    /// it once in [`UserSummary::one_time_password`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Password, min_length = 12)]
    pub password: Option<Secret>,
}

/// `PATCH /api/v1/admin/users/{user_id}`: any subset of the fields. Every change is an audit
/// event. An administrator never changes their own role or disables their own account (403).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// Disable (kills every session) or enable again.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// New password, at least 12 characters (kills every session).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Password, min_length = 12)]
    pub password: Option<Secret>,
    /// `true`: the hub generates a one-time password and returns it once in
    /// [`UserSummary::one_time_password`] (kills every session). Not together with `password`.
    #[serde(default)]
    pub reset_password: Option<bool>,
    /// New role. The account's sessions stay; each request is authorized with the role as it
    /// is then.
    #[serde(default)]
    pub role: Option<Role>,
}

/// A four-eyes rule: decisions it matches wait for a supervisor's confirmation before they
/// are final. A decision matches when its case's kind is `kind` (any kind when absent), its
/// outcome is `outcome`, and — when `reasons` is not empty — it gives at least one of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FourEyesRule {
    /// Case kind; absent: every kind.
    #[serde(default)]
    pub kind: Option<CaseKind>,
    /// Outcome (never `escalate`: an escalation goes to the supervisors anyway).
    pub outcome: OutcomeCode,
    /// Reason codes, any of which matches; empty: every decision with the outcome. Only
    /// rejections and resubmission requests carry reasons.
    #[serde(default)]
    pub reasons: Vec<ReasonCode>,
}

impl FourEyesRule {
    /// Whether a decision of `outcome` on a case of `kind` matches.
    pub fn matches(&self, kind: CaseKind, outcome: &Outcome) -> bool {
        if self.kind.is_some_and(|k| k != kind) || self.outcome != OutcomeCode::of(outcome) {
            return false;
        }
        let given: &[ReasonCode] = match outcome {
            Outcome::Reject { reasons } | Outcome::RequestResubmission { reasons, .. } => reasons,
            Outcome::Approve | Outcome::Escalate => &[],
        };
        self.reasons.is_empty() || self.reasons.iter().any(|r| given.contains(r))
    }
}

/// What an overturn does for one case kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverturnRule {
    /// The case kind.
    pub kind: CaseKind,
    /// Correct (the supervisor's outcome supersedes) or requeue.
    pub action: OverturnAction,
}

/// Hub policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Lease length in seconds, 10..=86400.
    #[schema(minimum = 10, maximum = 86400)]
    pub lease_secs: u32,
    /// Days after the final decision before media and personal fields are purged, 0..=3650.
    #[schema(maximum = 3650)]
    pub retention_days: u32,
    /// Outcomes that need a second person's confirmation (a supervisor's `agree` verdict)
    /// before the case is decided for good, for every kind and reason. The older form of
    /// `four_eyes_rules`: the hub accepts it and stores each outcome as a rule, so it reads
    /// back empty.
    #[serde(default)]
    pub four_eyes_outcomes: Vec<OutcomeCode>,
    /// Four-eyes rules by case kind × outcome × reason code; a decision matching any of them
    /// waits for a supervisor's confirmation. At most [`MAX_POLICY_RULES`], no duplicates.
    #[serde(default)]
    #[schema(max_items = 64)]
    pub four_eyes_rules: Vec<FourEyesRule>,
    /// What an overturn does, per case kind (each kind at most once); a kind not listed is
    /// requeued.
    #[serde(default)]
    #[schema(max_items = 5)]
    pub overturn_actions: Vec<OverturnRule>,
    /// Lease length in hours of a pull marked for offline work (`LeaseRequest::offline`),
    /// [`OFFLINE_LEASE_HOURS`]; renewals keep it. Omitted: the default (a policy stored before
    /// the field existed reads as the default too).
    #[serde(default = "default_offline_lease_hours")]
    #[schema(minimum = 1, maximum = 72, default = 12)]
    pub offline_lease_hours: u32,
    /// A workstation vault that has not reached the hub for this many hours loses its case
    /// data at its next start or unlock (decisions not yet pushed are kept),
    /// [`MAX_OFFLINE_HOURS`], at least `offline_lease_hours`.
    #[serde(default = "default_max_offline_hours")]
    #[schema(minimum = 1, maximum = 336, default = 72)]
    pub max_offline_hours: u32,
    /// Shortest idle-lock timeout a reviewer may choose, seconds, [`IDLE_LOCK_SECS`].
    #[serde(default = "default_idle_lock_min_secs")]
    #[schema(minimum = 30, maximum = 3600, default = 60)]
    pub idle_lock_min_secs: u32,
    /// Longest idle-lock timeout a reviewer may choose, seconds, [`IDLE_LOCK_SECS`], at least
    /// `idle_lock_min_secs`.
    #[serde(default = "default_idle_lock_max_secs")]
    #[schema(minimum = 30, maximum = 3600, default = 900)]
    pub idle_lock_max_secs: u32,
    /// Share of new cases, percent 0..=100, marked at intake for blind double review (two
    /// reviewers decide each independently). Which cases: a keyed hash of the case id below
    /// the share, so the marking is reproducible on this hub. Omitted: 0 (a policy stored
    /// before the field existed reads as 0 too).
    #[serde(default)]
    #[schema(maximum = 100, default = 0)]
    pub double_review_percent: u32,
}

/// Most four-eyes rules a policy holds.
pub const MAX_POLICY_RULES: usize = 64;
/// Bounds of [`Policy::lease_secs`].
pub const LEASE_SECS: std::ops::RangeInclusive<u32> = 10..=86_400;
/// Bounds of [`Policy::retention_days`].
pub const RETENTION_DAYS: std::ops::RangeInclusive<u32> = 0..=3650;
/// Bounds of [`Policy::offline_lease_hours`].
pub const OFFLINE_LEASE_HOURS: std::ops::RangeInclusive<u32> = 1..=72;
/// Bounds of [`Policy::max_offline_hours`] (two weeks at most).
pub const MAX_OFFLINE_HOURS: std::ops::RangeInclusive<u32> = 1..=336;
/// Bounds of [`Policy::double_review_percent`].
pub const DOUBLE_REVIEW_PERCENT: std::ops::RangeInclusive<u32> = 0..=100;
/// Bounds of both idle-lock fields of [`Policy`] (30 s to an hour).
pub const IDLE_LOCK_SECS: std::ops::RangeInclusive<u32> = 30..=3600;

/// Default of [`Policy::offline_lease_hours`]: a working day.
pub const DEFAULT_OFFLINE_LEASE_HOURS: u32 = 12;
/// Default of [`Policy::max_offline_hours`]: three days.
pub const DEFAULT_MAX_OFFLINE_HOURS: u32 = 72;
/// Default of [`Policy::idle_lock_min_secs`].
pub const DEFAULT_IDLE_LOCK_MIN_SECS: u32 = 60;
/// Default of [`Policy::idle_lock_max_secs`].
pub const DEFAULT_IDLE_LOCK_MAX_SECS: u32 = 900;

fn default_offline_lease_hours() -> u32 {
    DEFAULT_OFFLINE_LEASE_HOURS
}
fn default_max_offline_hours() -> u32 {
    DEFAULT_MAX_OFFLINE_HOURS
}
fn default_idle_lock_min_secs() -> u32 {
    DEFAULT_IDLE_LOCK_MIN_SECS
}
fn default_idle_lock_max_secs() -> u32 {
    DEFAULT_IDLE_LOCK_MAX_SECS
}

/// A policy field out of its bounds or a broken rule between fields. Names fields and
/// bounds, never the values sent; the hub answers it as 400 `invalid` with [`Self::rule`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// A number outside its bounds (rule `out_of_range`).
    #[error("{field} must be {min}..={max}")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// Lowest allowed.
        min: u32,
        /// Highest allowed.
        max: u32,
    },
    /// `max_offline_hours` below `offline_lease_hours` (rule `policy_rule`).
    #[error("max_offline_hours must be at least offline_lease_hours")]
    OfflineBelowLease,
    /// `idle_lock_min_secs` above `idle_lock_max_secs` (rule `policy_rule`).
    #[error("idle_lock_min_secs must not exceed idle_lock_max_secs")]
    IdleLockMinAboveMax,
    /// A four-eyes rule for escalations (rule `policy_rule`).
    #[error("four_eyes_rules: an escalation cannot need confirmation")]
    EscalationConfirmation,
    /// A four-eyes rule naming reasons for an outcome that has none (rule `policy_rule`).
    #[error("four_eyes_rules: only reject and request_resubmission rules can name reasons")]
    ReasonsWithoutOutcome,
    /// More rules than [`MAX_POLICY_RULES`] (rule `policy_rule`).
    #[error("four_eyes_rules: at most 64 rules")]
    TooManyRules,
    /// The same rule or kind twice (rule `policy_rule`).
    #[error("{field}: an entry is listed twice")]
    Duplicate {
        /// The field.
        field: &'static str,
    },
}

impl PolicyError {
    /// The stable rule code.
    pub fn rule(&self) -> &'static str {
        match self {
            PolicyError::OutOfRange { .. } => "out_of_range",
            _ => "policy_rule",
        }
    }

    /// The field concerned.
    pub fn field(&self) -> &'static str {
        match self {
            PolicyError::OutOfRange { field, .. } | PolicyError::Duplicate { field } => field,
            PolicyError::OfflineBelowLease => "max_offline_hours",
            PolicyError::IdleLockMinAboveMax => "idle_lock_min_secs",
            PolicyError::EscalationConfirmation
            | PolicyError::ReasonsWithoutOutcome
            | PolicyError::TooManyRules => "four_eyes_rules",
        }
    }
}

fn check_range(
    field: &'static str,
    value: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<(), PolicyError> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(PolicyError::OutOfRange { field, min: *range.start(), max: *range.end() })
    }
}

impl Policy {
    /// The same policy with `four_eyes_outcomes` turned into rules (any kind, any reason),
    /// merged into `four_eyes_rules` without duplicates: the one form the hub stores and
    /// applies. A policy stored before rules existed reads this way.
    pub fn normalized(mut self) -> Policy {
        for outcome in std::mem::take(&mut self.four_eyes_outcomes) {
            let rule = FourEyesRule { kind: None, outcome, reasons: Vec::new() };
            if !self.four_eyes_rules.contains(&rule) {
                self.four_eyes_rules.push(rule);
            }
        }
        self
    }

    /// Checks every field against its bounds, then the rules between fields.
    pub fn validate(&self) -> Result<(), PolicyError> {
        check_range("lease_secs", self.lease_secs, LEASE_SECS)?;
        check_range("retention_days", self.retention_days, RETENTION_DAYS)?;
        check_range("offline_lease_hours", self.offline_lease_hours, OFFLINE_LEASE_HOURS)?;
        check_range("max_offline_hours", self.max_offline_hours, MAX_OFFLINE_HOURS)?;
        check_range("idle_lock_min_secs", self.idle_lock_min_secs, IDLE_LOCK_SECS)?;
        check_range("idle_lock_max_secs", self.idle_lock_max_secs, IDLE_LOCK_SECS)?;
        check_range("double_review_percent", self.double_review_percent, DOUBLE_REVIEW_PERCENT)?;
        if self.max_offline_hours < self.offline_lease_hours {
            return Err(PolicyError::OfflineBelowLease);
        }
        if self.idle_lock_min_secs > self.idle_lock_max_secs {
            return Err(PolicyError::IdleLockMinAboveMax);
        }
        let outcomes = self.four_eyes_outcomes.iter().copied();
        let rule_outcomes = self.four_eyes_rules.iter().map(|r| r.outcome);
        if outcomes.chain(rule_outcomes).any(|o| o == OutcomeCode::Escalate) {
            return Err(PolicyError::EscalationConfirmation);
        }
        if self.four_eyes_rules.len() > MAX_POLICY_RULES {
            return Err(PolicyError::TooManyRules);
        }
        let reasonless = [OutcomeCode::Approve, OutcomeCode::Escalate];
        if self
            .four_eyes_rules
            .iter()
            .any(|r| !r.reasons.is_empty() && reasonless.contains(&r.outcome))
        {
            return Err(PolicyError::ReasonsWithoutOutcome);
        }
        let distinct: std::collections::HashSet<_> = self.four_eyes_rules.iter().collect();
        if distinct.len() != self.four_eyes_rules.len() {
            return Err(PolicyError::Duplicate { field: "four_eyes_rules" });
        }
        let kinds: std::collections::HashSet<_> =
            self.overturn_actions.iter().map(|r| r.kind).collect();
        if kinds.len() != self.overturn_actions.len() {
            return Err(PolicyError::Duplicate { field: "overturn_actions" });
        }
        Ok(())
    }

    /// Whether a decision of `outcome` on a case of `kind` waits for four-eyes confirmation
    /// (escalations never do).
    pub fn needs_four_eyes(&self, kind: CaseKind, outcome: &Outcome) -> bool {
        let code = OutcomeCode::of(outcome);
        code != OutcomeCode::Escalate
            && (self.four_eyes_outcomes.contains(&code)
                || self.four_eyes_rules.iter().any(|r| r.matches(kind, outcome)))
    }

    /// What an overturn does on a case of `kind` (requeue unless a rule says otherwise).
    pub fn overturn_action(&self, kind: CaseKind) -> OverturnAction {
        self.overturn_actions
            .iter()
            .find(|r| r.kind == kind)
            .map_or(OverturnAction::Requeue, |r| r.action)
    }

    /// The part of the policy a workstation applies (offline limits, idle-lock bounds).
    pub fn client(&self) -> ClientPolicy {
        ClientPolicy {
            offline_lease_hours: self.offline_lease_hours,
            max_offline_hours: self.max_offline_hours,
            idle_lock_min_secs: self.idle_lock_min_secs,
            idle_lock_max_secs: self.idle_lock_max_secs,
        }
    }
}

/// `GET /api/v1/policy/client` (any signed-in account): what a workstation applies, kept in
/// its vault so offline unlocks apply it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientPolicy {
    /// Lease hours of a pull for offline work.
    pub offline_lease_hours: u32,
    /// Hours without reaching the hub after which the vault's case data is wiped.
    pub max_offline_hours: u32,
    /// Shortest idle-lock timeout, seconds.
    pub idle_lock_min_secs: u32,
    /// Longest idle-lock timeout, seconds.
    pub idle_lock_max_secs: u32,
}

impl Default for ClientPolicy {
    /// The hub's defaults, for a vault that never received a policy.
    fn default() -> Self {
        ClientPolicy {
            offline_lease_hours: DEFAULT_OFFLINE_LEASE_HOURS,
            max_offline_hours: DEFAULT_MAX_OFFLINE_HOURS,
            idle_lock_min_secs: DEFAULT_IDLE_LOCK_MIN_SECS,
            idle_lock_max_secs: DEFAULT_IDLE_LOCK_MAX_SECS,
        }
    }
}

/// Query string of `GET /api/v1/admin/events`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AdminEventsQuery {
    /// Most records to return, newest first (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// The kinds of audit records `GET /api/v1/admin/events` lists: account changes, policy
/// changes and resolved needs-attention cases (their `type` codes).
pub const ADMIN_EVENT_KINDS: [&str; 6] = [
    "account_created",
    "account_disabled_changed",
    "account_role_changed",
    "password_reset",
    "policy_changed",
    "attention_resolved",
];

/// `GET /api/v1/admin/events` (admin): the latest administrative audit records, newest
/// first. Codes, opaque ids, policy field names and values only: none of these kinds carries
/// free text or personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminEventList {
    /// The records, newest first; each `kind` is one of [`ADMIN_EVENT_KINDS`].
    pub events: Vec<crate::audit::AuditRecord>,
}

/// What a retention purge did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurgeReport {
    /// Cases whose media and personal fields were deleted.
    pub cases_purged: u64,
    /// Media files deleted.
    pub media_deleted: u64,
}
