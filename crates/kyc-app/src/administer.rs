//! Administrator mode: accounts (add with a one-time password, disable or enable, reset the
//! password, change the role), the hub's policy, the cases that need attention, and the latest
//! administrative audit records. Online only — every answer comes from the hub and nothing of
//! it is kept on the machine.
//!
//! A one-time password the hub makes is handed to the UI in the one answer that carries it
//! ([`OneTimePassword`]), as a [`kyc_proto::Secret`]: never logged, never stored, never kept in
//! the [`Desk`]. An administrator never changes their own role, disables or resets their own
//! account here (the hub refuses the first two too; the UI hides them and says why).

use kyc_model::{CaseId, UserId};
use kyc_proto::admin::{
    DOUBLE_REVIEW_PERCENT, IDLE_LOCK_SECS, LEASE_SECS, MAX_OFFLINE_HOURS, OFFLINE_LEASE_HOURS,
    RETENTION_DAYS,
};
use kyc_proto::{
    AttentionAction, AuditRecord, AuditRecordKind, FourEyesRule, NeedsAttentionCase, OverturnRule,
    Policy, PolicyError, UserSummary,
};
use kyc_sync::SyncError;

use crate::desk::Desk;
use crate::error::{AppError, ErrorCode};
use crate::ipc::{
    AccountRole, AccountRow, AdminEventLine, AdminPolicy, AttentionChoice, AttentionDone,
    AttentionRow, FourEyesRuleForm, NewAccount, OneTimePassword, OverturnForm, PolicyChangeLine,
    PolicyFieldBounds, PolicyFieldError, PolicyForm, PolicySave,
};
use crate::supervise::rfc3339;

/// How many administrative audit records the desk shows.
pub const EVENTS_SHOWN: u32 = 20;

/// The numeric policy fields: name, bounds (the hub's constants) and unit.
const NUMERIC_FIELDS: [(&str, std::ops::RangeInclusive<u32>, &str); 7] = [
    ("lease_secs", LEASE_SECS, "seconds"),
    ("retention_days", RETENTION_DAYS, "days"),
    ("offline_lease_hours", OFFLINE_LEASE_HOURS, "hours"),
    ("max_offline_hours", MAX_OFFLINE_HOURS, "hours"),
    ("idle_lock_min_secs", IDLE_LOCK_SECS, "seconds"),
    ("idle_lock_max_secs", IDLE_LOCK_SECS, "seconds"),
    ("double_review_percent", DOUBLE_REVIEW_PERCENT, "percent"),
];

impl Desk {
    /// Every account, by name.
    pub async fn admin_accounts(&self) -> Result<Vec<AccountRow>, AppError> {
        let (ws, me) = self.admin_session()?;
        let users = ws.client().admin_users().await.map_err(|e| self.admin_online(e))?;
        let mut rows: Vec<AccountRow> = users.iter().map(|u| account_row(u, &me)).collect();
        rows.sort_by(|a, b| a.username.cmp(&b.username));
        Ok(rows)
    }

    /// Adds an account; the hub makes its one-time password, returned here once.
    pub async fn admin_create_account(
        &self,
        input: NewAccount,
    ) -> Result<OneTimePassword, AppError> {
        let (ws, me) = self.admin_session()?;
        let username = input.username.trim();
        if !kyc_proto::valid_username(username) {
            return Err(AppError::new(
                ErrorCode::Invalid,
                "An account name is 3 to 64 characters of a-z, 0-9, '.', '_' and '-'.",
            ));
        }
        let created = ws
            .client()
            .admin_create_user(username, wire_role(input.role))
            .await
            .map_err(|e| match e {
                SyncError::Hub { code: kyc_proto::ErrorCode::Conflict } => {
                    AppError::new(ErrorCode::Conflict, "An account with that name exists already.")
                }
                e => self.admin_online(e),
            })?;
        tracing::info!(user = %created.id, role = created.role.code(), "account created");
        with_password(created, &me)
    }

    /// Disables (the account's sessions end) or enables an account; never one's own.
    pub async fn admin_set_disabled(
        &self,
        user_id: &str,
        disabled: bool,
    ) -> Result<AccountRow, AppError> {
        let (ws, me) = self.admin_session()?;
        let id = account_id(user_id)?;
        if id.as_str() == me {
            return Err(AppError::new(
                ErrorCode::Forbidden,
                "You cannot disable or enable your own account.",
            ));
        }
        let user = ws
            .client()
            .admin_set_disabled(&id, disabled)
            .await
            .map_err(|e| self.admin_account_error(e))?;
        tracing::info!(user = %user.id, disabled = user.disabled, "account disabled state changed");
        Ok(account_row(&user, &me))
    }

    /// Changes an account's role; never one's own.
    pub async fn admin_set_role(
        &self,
        user_id: &str,
        role: AccountRole,
    ) -> Result<AccountRow, AppError> {
        let (ws, me) = self.admin_session()?;
        let id = account_id(user_id)?;
        if id.as_str() == me {
            return Err(AppError::new(ErrorCode::Forbidden, "You cannot change your own role."));
        }
        let user = ws
            .client()
            .admin_set_role(&id, wire_role(role))
            .await
            .map_err(|e| self.admin_account_error(e))?;
        tracing::info!(user = %user.id, role = user.role.code(), "account role changed");
        Ok(account_row(&user, &me))
    }

    /// Resets an account's password: the hub makes a one-time one, returned here once (the
    /// account's sessions end). Not one's own: that is changed by its owner.
    pub async fn admin_reset_password(&self, user_id: &str) -> Result<OneTimePassword, AppError> {
        let (ws, me) = self.admin_session()?;
        let id = account_id(user_id)?;
        if id.as_str() == me {
            return Err(AppError::new(
                ErrorCode::Forbidden,
                "You cannot reset your own password here; change it yourself.",
            ));
        }
        let user =
            ws.client().admin_reset_password(&id).await.map_err(|e| self.admin_account_error(e))?;
        tracing::info!(user = %user.id, "password reset");
        with_password(user, &me)
    }

    /// The hub's policy, with each numeric field's bounds and unit.
    pub async fn admin_policy(&self) -> Result<AdminPolicy, AppError> {
        let (ws, _) = self.admin_session()?;
        let policy = ws.client().admin_policy().await.map_err(|e| self.admin_online(e))?;
        Ok(AdminPolicy { policy: policy_form(&policy), bounds: policy_bounds() })
    }

    /// Sends the whole policy, after checking every field as the hub does: fields that do not
    /// pass are answered as [`PolicySave::Refused`] (nothing is sent), each with its rule.
    pub async fn admin_save_policy(&self, form: PolicyForm) -> Result<PolicySave, AppError> {
        let (ws, _) = self.admin_session()?;
        let policy = policy_of(&form)?;
        let errors = policy_errors(&policy);
        if !errors.is_empty() {
            tracing::info!(fields = errors.len(), "policy refused before sending");
            return Ok(PolicySave::Refused { errors });
        }
        let stored = ws.client().admin_set_policy(&policy).await.map_err(|e| match e {
            SyncError::Invalid { rule } => {
                tracing::info!(rule = %rule, "policy refused by the hub");
                AppError::new(ErrorCode::Invalid, "The hub refused the policy as invalid.")
            }
            e => self.admin_online(e),
        })?;
        tracing::info!(lease_secs = stored.lease_secs, "policy saved");
        Ok(PolicySave::Saved { policy: policy_form(&stored) })
    }

    /// The cases that need attention, oldest first.
    pub async fn admin_attention(&self) -> Result<Vec<AttentionRow>, AppError> {
        let (ws, _) = self.admin_session()?;
        let list = ws.client().admin_needs_attention().await.map_err(|e| self.admin_online(e))?;
        Ok(list.cases.iter().map(attention_row).collect())
    }

    /// Returns a case that needs attention to the queue, or closes it as unusable.
    pub async fn admin_resolve_attention(
        &self,
        case_id: &str,
        choice: AttentionChoice,
    ) -> Result<AttentionDone, AppError> {
        let (ws, _) = self.admin_session()?;
        let id = CaseId::parse(case_id).map_err(|_| AppError::not_found("case"))?;
        let action = match choice {
            AttentionChoice::ReturnToQueue => AttentionAction::ReturnToQueue,
            AttentionChoice::CloseUnusable => AttentionAction::CloseUnusable,
        };
        let done = ws.client().admin_resolve_attention(&id, action).await.map_err(|e| match e {
            SyncError::Hub { code: kyc_proto::ErrorCode::Conflict } => {
                AppError::new(ErrorCode::Conflict, "The case does not need attention any more.")
            }
            SyncError::Hub { code: kyc_proto::ErrorCode::NotFound } => AppError::not_found("case"),
            e => self.admin_online(e),
        })?;
        tracing::info!(case = %id, action = action.code(), "attention resolved");
        Ok(AttentionDone { case_state: done.case_state.code().to_owned() })
    }

    /// The latest administrative audit records (accounts, policy, needs attention), newest
    /// first.
    pub async fn admin_events(&self) -> Result<Vec<AdminEventLine>, AppError> {
        let (ws, _) = self.admin_session()?;
        let list =
            ws.client().admin_events(EVENTS_SHOWN).await.map_err(|e| self.admin_online(e))?;
        Ok(list.events.iter().map(event_line).collect())
    }

    fn admin_account_error(&self, e: SyncError) -> AppError {
        match e {
            SyncError::Hub { code: kyc_proto::ErrorCode::NotFound } => {
                AppError::not_found("account")
            }
            e => self.admin_online(e),
        }
    }

    /// Administrator mode is online only: an unreachable hub says so plainly.
    fn admin_online(&self, e: SyncError) -> AppError {
        self.online_only(e, "Administrator mode needs the hub, which cannot be reached now.")
    }
}

fn account_id(raw: &str) -> Result<UserId, AppError> {
    UserId::parse(raw).map_err(|_| AppError::not_found("account"))
}

fn wire_role(role: AccountRole) -> kyc_proto::Role {
    match role {
        AccountRole::Reviewer => kyc_proto::Role::Reviewer,
        AccountRole::Supervisor => kyc_proto::Role::Supervisor,
        AccountRole::Admin => kyc_proto::Role::Admin,
        AccountRole::Service => kyc_proto::Role::Service,
    }
}

fn ipc_role(role: kyc_proto::Role) -> AccountRole {
    match role {
        kyc_proto::Role::Reviewer => AccountRole::Reviewer,
        kyc_proto::Role::Supervisor => AccountRole::Supervisor,
        kyc_proto::Role::Admin => AccountRole::Admin,
        kyc_proto::Role::Service => AccountRole::Service,
    }
}

fn account_row(u: &UserSummary, me: &str) -> AccountRow {
    AccountRow {
        user_id: u.id.as_str().to_owned(),
        username: u.username.clone(),
        role: ipc_role(u.role),
        disabled: u.disabled,
        password_change_required: u.password_change_required,
        created_at: rfc3339(u.created_at),
        own: u.id.as_str() == me,
    }
}

/// The account with the password the hub made; an answer without one is the hub's fault.
fn with_password(mut user: UserSummary, me: &str) -> Result<OneTimePassword, AppError> {
    let password = user.one_time_password.take().ok_or_else(|| {
        AppError::new(ErrorCode::Internal, "The hub did not send a one-time password.")
    })?;
    Ok(OneTimePassword { account: account_row(&user, me), password })
}

fn policy_form(p: &Policy) -> PolicyForm {
    // The hub answers rules only; an older hub's outcomes are shown as rules for any kind.
    let p = p.clone().normalized();
    PolicyForm {
        lease_secs: p.lease_secs,
        retention_days: p.retention_days,
        offline_lease_hours: p.offline_lease_hours,
        max_offline_hours: p.max_offline_hours,
        idle_lock_min_secs: p.idle_lock_min_secs,
        idle_lock_max_secs: p.idle_lock_max_secs,
        double_review_percent: p.double_review_percent,
        four_eyes_rules: p
            .four_eyes_rules
            .iter()
            .map(|r| FourEyesRuleForm {
                kind: r.kind.map(|k| k.code().to_owned()),
                outcome: r.outcome.code().to_owned(),
                reasons: r.reasons.iter().map(|c| c.code().to_owned()).collect(),
            })
            .collect(),
        overturn_actions: p
            .overturn_actions
            .iter()
            .map(|r| OverturnForm {
                kind: r.kind.code().to_owned(),
                action: r.action.code().to_owned(),
            })
            .collect(),
    }
}

fn policy_bounds() -> Vec<PolicyFieldBounds> {
    NUMERIC_FIELDS
        .iter()
        .map(|(field, range, unit)| PolicyFieldBounds {
            field: (*field).to_owned(),
            min: *range.start(),
            max: *range.end(),
            unit: (*unit).to_owned(),
        })
        .collect()
}

/// A wire code into its type (`serde`'s snake_case names), or `invalid` naming what it is.
fn code<T: serde::de::DeserializeOwned>(raw: &str, what: &str) -> Result<T, AppError> {
    serde_json::from_value(serde_json::Value::String(raw.to_owned()))
        .map_err(|_| AppError::new(ErrorCode::Invalid, format!("Unknown {what} in the policy.")))
}

/// The form as the hub's policy; an unknown code (kind, outcome, reason, action) is
/// `invalid`.
fn policy_of(f: &PolicyForm) -> Result<Policy, AppError> {
    let mut rules = Vec::with_capacity(f.four_eyes_rules.len());
    for r in &f.four_eyes_rules {
        rules.push(FourEyesRule {
            kind: r.kind.as_deref().map(|k| code(k, "case kind")).transpose()?,
            outcome: code(&r.outcome, "outcome")?,
            reasons: r.reasons.iter().map(|c| code(c, "reason code")).collect::<Result<_, _>>()?,
        });
    }
    let mut overturns = Vec::with_capacity(f.overturn_actions.len());
    for r in &f.overturn_actions {
        overturns.push(OverturnRule {
            kind: code(&r.kind, "case kind")?,
            action: code(&r.action, "overturn action")?,
        });
    }
    Ok(Policy {
        lease_secs: f.lease_secs,
        retention_days: f.retention_days,
        four_eyes_outcomes: Vec::new(),
        four_eyes_rules: rules,
        overturn_actions: overturns,
        offline_lease_hours: f.offline_lease_hours,
        max_offline_hours: f.max_offline_hours,
        idle_lock_min_secs: f.idle_lock_min_secs,
        idle_lock_max_secs: f.idle_lock_max_secs,
        double_review_percent: f.double_review_percent,
    })
}

fn numeric_value(p: &Policy, field: &str) -> u32 {
    match field {
        "lease_secs" => p.lease_secs,
        "retention_days" => p.retention_days,
        "offline_lease_hours" => p.offline_lease_hours,
        "max_offline_hours" => p.max_offline_hours,
        "idle_lock_min_secs" => p.idle_lock_min_secs,
        "idle_lock_max_secs" => p.idle_lock_max_secs,
        _ => p.double_review_percent,
    }
}

/// Every field that does not pass: each numeric field against its bounds, then — when all
/// are in bounds — the rules between fields as [`Policy::validate`] checks them (which is
/// also the final word: the hub runs the same function).
pub fn policy_errors(p: &Policy) -> Vec<PolicyFieldError> {
    let mut errors: Vec<PolicyFieldError> = NUMERIC_FIELDS
        .iter()
        .filter(|(field, range, _)| !range.contains(&numeric_value(p, field)))
        .map(|(field, range, _)| {
            field_error(&PolicyError::OutOfRange { field, min: *range.start(), max: *range.end() })
        })
        .collect();
    if errors.is_empty()
        && let Err(e) = p.validate()
    {
        errors.push(field_error(&e));
    }
    errors
}

/// One [`PolicyError`] as the form shows it: the field, a rule code for the UI's sentence, and
/// an English sentence.
pub fn field_error(e: &PolicyError) -> PolicyFieldError {
    let (rule, min, max) = match e {
        PolicyError::OutOfRange { min, max, .. } => ("out_of_range", Some(*min), Some(*max)),
        PolicyError::OfflineBelowLease => ("offline_below_lease", None, None),
        PolicyError::IdleLockMinAboveMax => ("idle_lock_min_above_max", None, None),
        PolicyError::EscalationConfirmation => ("escalation_confirmation", None, None),
        PolicyError::ReasonsWithoutOutcome => ("reasons_without_outcome", None, None),
        PolicyError::TooManyRules => ("too_many_rules", None, None),
        PolicyError::Duplicate { .. } => ("duplicate", None, None),
    };
    let message = match e {
        PolicyError::OutOfRange { min, max, .. } => {
            format!("Must be between {min} and {max}.")
        }
        PolicyError::OfflineBelowLease => "Must be at least the offline lease length.".to_owned(),
        PolicyError::IdleLockMinAboveMax => {
            "The shortest idle lock must not be longer than the longest.".to_owned()
        }
        PolicyError::EscalationConfirmation => {
            "An escalation cannot need a four-eyes confirmation.".to_owned()
        }
        PolicyError::ReasonsWithoutOutcome => {
            "Only rejection and resubmission rules can name reasons.".to_owned()
        }
        PolicyError::TooManyRules => {
            format!("At most {} rules.", kyc_proto::admin::MAX_POLICY_RULES)
        }
        PolicyError::Duplicate { .. } => "An entry is listed twice.".to_owned(),
    };
    PolicyFieldError { field: e.field().to_owned(), rule: rule.to_owned(), min, max, message }
}

fn attention_row(c: &NeedsAttentionCase) -> AttentionRow {
    AttentionRow {
        case_id: c.case_id.as_str().to_owned(),
        kind: c.kind.code().to_owned(),
        media_id: c.media_id.as_str().to_owned(),
        reported: c.reported.code().to_owned(),
        rule: c.rule.clone(),
        reported_by: c.reported_by.as_str().to_owned(),
        confirmed_at: rfc3339(c.confirmed_at),
    }
}

fn event_line(r: &AuditRecord) -> AdminEventLine {
    let tagged = serde_json::to_value(&r.kind).unwrap_or_default();
    let what = tagged.get("type").and_then(|t| t.as_str()).unwrap_or("unknown").to_owned();
    let mut line = AdminEventLine {
        seq: r.seq,
        at: rfc3339(r.recorded_at),
        actor: r.actor.as_ref().map(|a| a.as_str().to_owned()),
        what,
        target: None,
        case_id: r.case_id.as_ref().map(|c| c.as_str().to_owned()),
        role: None,
        from_role: None,
        disabled: None,
        action: None,
        changes: Vec::new(),
    };
    match &r.kind {
        AuditRecordKind::AccountCreated { target, role } => {
            line.target = Some(target.as_str().to_owned());
            line.role = Some(ipc_role(*role));
        }
        AuditRecordKind::AccountDisabledChanged { target, disabled } => {
            line.target = Some(target.as_str().to_owned());
            line.disabled = Some(*disabled);
        }
        AuditRecordKind::AccountRoleChanged { target, from, to } => {
            line.target = Some(target.as_str().to_owned());
            line.from_role = Some(ipc_role(*from));
            line.role = Some(ipc_role(*to));
        }
        AuditRecordKind::PasswordReset { target } => {
            line.target = Some(target.as_str().to_owned());
        }
        AuditRecordKind::PolicyChanged { changes } => {
            line.changes = changes
                .iter()
                .map(|c| PolicyChangeLine {
                    field: c.field.clone(),
                    from: c.from.clone(),
                    to: c.to.clone(),
                })
                .collect();
        }
        AuditRecordKind::AttentionResolved { action } => line.action = Some(action.clone()),
        // The hub lists administrative kinds only; another kind shows by its code alone.
        _ => {}
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> PolicyForm {
        policy_form(&kyc_proto::Policy {
            lease_secs: 900,
            retention_days: 30,
            four_eyes_outcomes: vec![kyc_proto::OutcomeCode::Reject],
            four_eyes_rules: vec![],
            overturn_actions: vec![],
            offline_lease_hours: 12,
            max_offline_hours: 72,
            idle_lock_min_secs: 60,
            idle_lock_max_secs: 900,
            double_review_percent: 0,
        })
    }

    #[test]
    fn the_form_round_trips_and_old_outcomes_read_as_rules() {
        let f = form();
        assert_eq!(f.four_eyes_rules.len(), 1);
        assert_eq!(f.four_eyes_rules[0].kind, None);
        assert_eq!(f.four_eyes_rules[0].outcome, "reject");
        assert_eq!(policy_form(&policy_of(&f).unwrap()), f);
    }

    #[test]
    fn every_out_of_range_field_is_named_with_its_bounds() {
        let mut f = form();
        f.lease_secs = 5;
        f.double_review_percent = 101;
        let errors = policy_errors(&policy_of(&f).unwrap());
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["lease_secs", "double_review_percent"]);
        assert_eq!(
            (errors[0].rule.as_str(), errors[0].min, errors[0].max),
            ("out_of_range", Some(10), Some(86_400))
        );
        assert_eq!(errors[0].message, "Must be between 10 and 86400.");
    }

    #[test]
    fn rules_between_fields_come_from_the_hubs_own_check() {
        let mut f = form();
        f.idle_lock_min_secs = 1000;
        let errors = policy_errors(&policy_of(&f).unwrap());
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].field.as_str(), errors[0].rule.as_str()),
            ("idle_lock_min_secs", "idle_lock_min_above_max")
        );
        let mut f = form();
        f.four_eyes_rules.push(FourEyesRuleForm {
            kind: None,
            outcome: "approve".into(),
            reasons: vec!["R01".into()],
        });
        let errors = policy_errors(&policy_of(&f).unwrap());
        assert_eq!(
            (errors[0].field.as_str(), errors[0].rule.as_str()),
            ("four_eyes_rules", "reasons_without_outcome")
        );
    }

    #[test]
    fn unknown_codes_are_refused_without_quoting_them() {
        let mut f = form();
        f.overturn_actions
            .push(OverturnForm { kind: "individual_id_card".into(), action: "shred<b>".into() });
        let err = policy_of(&f).unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid);
        assert!(!err.message.contains("shred"));
    }
}
