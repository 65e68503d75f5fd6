//! `kyc-hub`: the case server's command line. Thin over the library.

#![deny(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use kyc_hub::config::{HubConfig, PasswordHashing, TlsFiles};
use kyc_hub::ops;
use kyc_proto::Role;

#[derive(Parser)]
#[command(name = "kyc-hub", about = "KYC Desk case server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API.
    Serve {
        /// Data directory (database, hub key, encrypted media).
        #[arg(long)]
        data: PathBuf,
        /// Address to listen on, e.g. 127.0.0.1:8443.
        #[arg(long)]
        listen: SocketAddr,
        /// TLS certificate chain (PEM). Required off loopback.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// TLS private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Refuse sign-ins from apps older than this version (MAJOR.MINOR.PATCH).
        #[arg(long)]
        min_client_version: Option<String>,
    },
    /// Create the demo accounts and synthetic cases.
    Seed {
        /// Data directory.
        #[arg(long)]
        data: PathBuf,
        /// Number of cases.
        #[arg(long, default_value_t = 20)]
        cases: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        rng_seed: u64,
        /// Also this many small demo cases decided in the past by three reviewers (with
        /// verdicts, four-eyes waits and escalations), before the cases to review.
        #[arg(long, default_value_t = 0)]
        history: usize,
        /// Days the history spans, ending yesterday.
        #[arg(long, default_value_t = 5)]
        history_days: u32,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Audit chain tools.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Purge media and personal fields of cases past retention.
    Purge {
        /// Data directory.
        #[arg(long)]
        data: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create an account with a generated password (printed once).
    Add {
        /// Data directory.
        #[arg(long)]
        data: PathBuf,
        /// Login handle.
        #[arg(long)]
        username: String,
        /// reviewer, supervisor, admin or service.
        #[arg(long)]
        role: String,
    },
    /// Disable an account; its sessions die and its clients wipe.
    Disable {
        /// Data directory.
        #[arg(long)]
        data: PathBuf,
        /// Login handle.
        #[arg(long)]
        username: String,
    },
    /// Set a new generated password (printed once); sessions die.
    ResetPassword {
        /// Data directory.
        #[arg(long)]
        data: PathBuf,
        /// Login handle.
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Verify the hash chain (the same report as `GET /api/v1/audit/verify`); exits 1 at the
    /// first broken link, or when the chain does not extend the given earlier head.
    Verify {
        /// Data directory.
        #[arg(long)]
        data: PathBuf,
        /// `seq` of an earlier chain head to check the chain against (with `--since-hash`).
        #[arg(long, requires = "since_hash")]
        since_seq: Option<i64>,
        /// Hash of that earlier head (64 lowercase hex digits).
        #[arg(long, requires = "since_seq")]
        since_hash: Option<String>,
        /// Print the report as JSON, exactly as the API answers it.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { data, listen, tls_cert, tls_key, min_client_version } => {
            if let Some(v) = &min_client_version
                && kyc_proto::parse_version(v).is_none()
            {
                anyhow::bail!("--min-client-version must be MAJOR.MINOR.PATCH");
            }
            let mut config = HubConfig::new(data, listen);
            config.min_client_version = min_client_version;
            config.tls = match (tls_cert, tls_key) {
                (Some(cert_pem), Some(key_pem)) => Some(TlsFiles { cert_pem, key_pem }),
                _ => None,
            };
            let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
            runtime.block_on(async {
                let mut hub = kyc_hub::serve(config).await?;
                println!("kyc-hub listening on {}", hub.base_url());
                let trigger = hub.shutdown_trigger();
                tokio::spawn(async move {
                    let _ = tokio::signal::ctrl_c().await;
                    if let Some(tx) = trigger {
                        let _ = tx.send(());
                    }
                });
                hub.wait().await.context("serving")?;
                anyhow::Ok(())
            })?;
        }
        Command::Seed { data, cases, rng_seed, history, history_days } => {
            let cost = PasswordHashing::Production;
            // Accounts first; the history before the live cases, so they stay open.
            let mut accounts = ops::seed(&data, 0, rng_seed, cost).context("seeding")?.accounts;
            if history > 0 {
                let report = ops::seed_history(&data, history, history_days, rng_seed, cost)
                    .context("seeding the history")?;
                println!(
                    "decided history: {} decisions, {} verdicts over {history_days} days; \
                     {} blind double reviews, {} of them disputed",
                    report.decisions, report.verdicts, report.double_reviews, report.disputes
                );
                accounts.extend(report.accounts);
            }
            let report = ops::seed(&data, cases, rng_seed, cost).context("seeding")?;
            println!("stored {} cases", report.cases);
            if accounts.is_empty() {
                println!("demo accounts existed already; passwords unchanged");
            }
            for account in &accounts {
                println!(
                    "{:<12} {:<10} password: {}",
                    account.username,
                    account.role.code(),
                    account.password.as_str()
                );
            }
        }
        Command::User { action } => match action {
            UserAction::Add { data, username, role } => {
                let role = Role::from_code(&role)
                    .context("role must be reviewer, supervisor, admin or service")?;
                if !kyc_hub::api::valid_username(&username) {
                    anyhow::bail!("username must be 3 to 64 of a-z 0-9 . _ -");
                }
                let account =
                    ops::add_user(&data, &username, role).context("adding the account")?;
                println!(
                    "created {} ({}), password: {}",
                    account.id,
                    role.code(),
                    account.password.as_str()
                );
            }
            UserAction::Disable { data, username } => {
                let id = ops::disable_user(&data, &username).context("disabling the account")?;
                println!("disabled {id}; its sessions are revoked");
            }
            UserAction::ResetPassword { data, username } => {
                let password =
                    ops::reset_password(&data, &username).context("resetting the password")?;
                println!("new password: {}", password.as_str());
            }
        },
        Command::Audit { action: AuditAction::Verify { data, since_seq, since_hash, json } } => {
            let anchor = match (since_seq, since_hash) {
                (Some(seq), Some(hash)) => {
                    let well_formed = seq >= 1
                        && hash.len() == 64
                        && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                    if !well_formed {
                        anyhow::bail!(
                            "--since-seq must be at least 1 and --since-hash 64 lowercase hex digits"
                        );
                    }
                    Some(kyc_proto::ChainHead { seq, hash })
                }
                _ => None,
            };
            let report =
                ops::audit_verify(&data, anchor.as_ref()).context("verifying the audit chain")?;
            if json {
                println!("{}", serde_json::to_string(&report).context("printing the report")?);
            } else {
                for line in ops::describe_verify_report(&report) {
                    println!("{line}");
                }
            }
            let extends = report.anchor.is_none_or(|a| a == kyc_proto::AnchorCheck::Extends);
            if !report.intact || !extends {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Purge { data } => {
            let report = ops::purge(&data).context("purging")?;
            println!(
                "purged {} cases, deleted {} media files",
                report.cases_purged, report.media_deleted
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
