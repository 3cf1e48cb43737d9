//! `storelink`: the headless shell over the same core as the desktop app, for servers,
//! scripts and checks. It acts as the local administrator and is audited as `cli`.

mod args;
mod bench;
mod bench_seed;
mod conflicts;
mod output;
mod progress;
mod reservations;
mod serve;
mod simulate;
mod supplier_orders;

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use clap::Parser;
use storelink_core::inbox::InboxStatus;
use storelink_core::system::{NewSystem, SystemFilter, SystemPatch};
use storelink_core::token::NewToken;
use storelink_core::{Actor, AppError, PageRequest, Role, Rule};
use storelink_service::{default_data_dir, Services};

use args::{
    BenchCommand, Cli, Command, InboxCommand, OutboxCommand, SettingArgs, SyncCommand,
    SystemsCommand, TokensCommand, UsersCommand,
};
use output::Output;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STORELINK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let out = Output { json: cli.json };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return out.fail(&AppError::internal(format!("cannot start: {e}"))),
    };
    match runtime.block_on(run(cli, &out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => out.fail(&e),
    }
}

async fn run(cli: Cli, out: &Output) -> Result<(), AppError> {
    // The benchmark makes its own data folder and server; it opens nothing here.
    if let Command::Bench(BenchCommand::Ingest {
        transactions,
        concurrency,
        keep,
    }) = cli.command
    {
        return bench::ingest(transactions, concurrency, keep, out).await;
    }
    if let Command::Bench(BenchCommand::Sync { records }) = cli.command {
        return bench::sync(records, out).await;
    }
    if let Command::Simulate(command) = &cli.command {
        return simulate::command(command, out).await;
    }
    let data_dir = match cli.data_dir.or_else(default_data_dir) {
        Some(d) => d,
        None => {
            return Err(AppError::field(
                "data_dir",
                Rule::Required,
                "no data folder: pass --data-dir or set STORELINK_DATA_DIR",
            ))
        }
    };
    let services = Services::open(&data_dir).await?;
    // A server stopped by a signal ends cleanly: checked, so its next start need not.
    let serving = matches!(cli.command, Command::Serve(_));
    let actor = Actor::local_cli();
    let result = dispatch(cli.command, &services, &actor, out).await;
    if serving {
        if let Err(e) = services.close_verified().await {
            tracing::error!(error = %e, "the database check at shutdown failed");
        }
    } else {
        services.close().await;
    }
    result
}

async fn dispatch(
    command: Command,
    services: &Services,
    actor: &Actor,
    out: &Output,
) -> Result<(), AppError> {
    match command {
        Command::Check => {
            let noted = services.close_verified().await?;
            let text = if noted {
                "the database file is healthy; the next start skips its full check"
            } else {
                "the database file is healthy; another process has it open, so the next start checks it again"
            };
            out.done(
                text,
                &serde_json::json!({ "healthy": true, "noted": noted }),
            )
        }
        Command::Status => {
            let status = services.status(None).await?;
            let systems = services.count_systems(actor).await?;
            let keychain = services.keychain_check().await;
            out.status(&status, systems, keychain.as_ref().err())
        }
        Command::Users(UsersCommand::Add { username, role }) => {
            let password = read_password()?;
            let user = services
                .add_user(actor, &username, &password, &role)
                .await?;
            out.user(&user)
        }
        Command::Users(UsersCommand::List) => out.users(&services.list_users(actor).await?),
        Command::Systems(cmd) => systems(cmd, services, actor, out).await,
        Command::Serve(args) => serve::run(services, args, out).await,
        Command::Tokens(cmd) => tokens(cmd, services, actor, out).await,
        Command::Inbox(cmd) => inbox(cmd, services, actor, out).await,
        Command::Bench(BenchCommand::SeedPos(args)) => {
            bench_seed::seed_pos(services, args, out).await
        }
        Command::Bench(_) => Ok(()),
        Command::Sync(cmd) => sync(cmd, services, actor, out).await,
        Command::Outbox(cmd) => outbox(cmd, services, actor, out).await,
        Command::Conflicts(cmd) => conflicts::run(cmd, services, actor, out).await,
        Command::SupplierOrders(cmd) => supplier_orders::run(cmd, services, actor, out).await,
        Command::Reservations(cmd) => reservations::run(cmd, services, actor, out).await,
        Command::Simulate(_) => Ok(()),
        Command::Health { system_id } => match system_id {
            Some(id) => {
                let health = services.system_health(actor, &id, None).await?;
                out.health(&health.latest.into_iter().collect::<Vec<_>>())
            }
            None => out.health(&services.latest_health(actor).await?),
        },
    }
}

async fn outbox(
    cmd: OutboxCommand,
    services: &Services,
    actor: &Actor,
    out: &Output,
) -> Result<(), AppError> {
    match cmd {
        OutboxCommand::List {
            system,
            status,
            limit,
        } => {
            let page = services
                .list_outbox(
                    actor,
                    system.as_deref(),
                    status.as_deref(),
                    &PageRequest {
                        cursor: None,
                        limit: Some(limit),
                    },
                )
                .await?;
            out.outbox(&page.items)
        }
        OutboxCommand::Retry { id } => out.outbox(&[services.retry_outbox(actor, &id).await?]),
        OutboxCommand::Send => out.dispatched(&services.dispatch_outbox(actor).await?),
    }
}

async fn sync(
    cmd: SyncCommand,
    services: &Services,
    actor: &Actor,
    out: &Output,
) -> Result<(), AppError> {
    let page = |limit: u32| PageRequest {
        cursor: None,
        limit: Some(limit),
    };
    match cmd {
        SyncCommand::Run {
            system_id,
            stream,
            mode,
            wait,
        } => {
            let task = if wait && std::io::stdout().is_terminal() {
                progress::run_sync(services, actor, &system_id, &stream, &mode).await?
            } else {
                services.run_sync(actor, &system_id, &stream, &mode).await?
            };
            out.tasks(&[task])
        }
        SyncCommand::Tasks { system, limit } => {
            let tasks = services
                .list_sync_tasks(actor, system.as_deref(), &page(limit))
                .await?;
            out.tasks(&tasks.items)
        }
        SyncCommand::Logs { system, limit } => {
            let logs = services
                .list_sync_logs(
                    actor,
                    storelink_service::records::SyncLogQuery {
                        system_id: system,
                        limit: Some(limit),
                        ..Default::default()
                    },
                )
                .await?;
            out.sync_logs(&logs.items)
        }
        SyncCommand::Cancel { task_id } => {
            out.tasks(&[services.cancel_sync(actor, &task_id).await?])
        }
    }
}

async fn tokens(
    cmd: TokensCommand,
    services: &Services,
    actor: &Actor,
    out: &Output,
) -> Result<(), AppError> {
    match cmd {
        TokensCommand::Add {
            name,
            role,
            system,
            rate_limit,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                AppError::field(
                    "role",
                    Rule::OneOf {
                        allowed: Role::NAMES.iter().map(|r| (*r).to_owned()).collect(),
                    },
                    format!("role must be one of {}", Role::NAMES.join(", ")),
                )
            })?;
            let system_id = match system {
                Some(s) => Some(services.get_system(actor, &s).await?.id),
                None => None,
            };
            let created = services
                .add_token(
                    actor,
                    NewToken {
                        name,
                        role,
                        system_id,
                        rate_limit,
                    },
                )
                .await?;
            out.created_token(&created)
        }
        TokensCommand::List => out.tokens(&services.list_tokens(actor).await?),
        TokensCommand::Revoke { id } => {
            let id = uuid_arg("id", &id)?;
            out.tokens(&[services.revoke_token(actor, id).await?])
        }
    }
}

async fn inbox(
    cmd: InboxCommand,
    services: &Services,
    actor: &Actor,
    out: &Output,
) -> Result<(), AppError> {
    match cmd {
        InboxCommand::List {
            system,
            status,
            limit,
        } => {
            let system_id = system
                .as_deref()
                .map(|s| uuid_arg("system", s))
                .transpose()?;
            let status = match status.as_deref() {
                Some(s) => Some(InboxStatus::parse(s).ok_or_else(|| {
                    AppError::field(
                        "status",
                        Rule::OneOf {
                            allowed: InboxStatus::NAMES.iter().map(|r| (*r).to_owned()).collect(),
                        },
                        format!("status must be one of {}", InboxStatus::NAMES.join(", ")),
                    )
                })?),
                None => None,
            };
            let page = services
                .list_inbox(
                    actor,
                    system_id,
                    status,
                    &PageRequest {
                        cursor: None,
                        limit: Some(limit),
                    },
                )
                .await?;
            out.inbox(&page.items)
        }
        InboxCommand::Replay { id } => out.replayed(&services.replay_inbox(actor, &id).await?),
    }
}

fn uuid_arg(field: &str, value: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(value.trim()).map_err(|_| {
        AppError::field(
            field,
            Rule::Format {
                expected: "a UUID".into(),
            },
            format!("{field} `{value}` is not an id"),
        )
    })
}

async fn systems(
    cmd: SystemsCommand,
    services: &Services,
    actor: &Actor,
    out: &Output,
) -> Result<(), AppError> {
    match cmd {
        SystemsCommand::Add(a) => {
            let settings = a.settings;
            let config = settings.with_cron(settings.config_json()?);
            let secrets = settings.secrets()?;
            let input = NewSystem {
                name: a.name,
                system_type: a.system_type,
                provider: a.provider,
                version: settings.version,
                store_id: settings.store_id,
                api_endpoint: settings.api_endpoint,
                webhook_url: settings.webhook_url,
                config,
                sync_enabled: settings.sync_enabled,
                sync_interval: settings.sync_interval,
                secrets,
            };
            out.system(&services.create_system(actor, input).await?)
        }
        SystemsCommand::List(f) => {
            let mut filter = SystemFilter {
                system_type: f.system_type,
                store_id: f.store_id,
                status: f.status,
                cursor: None,
                limit: Some(1000),
            };
            let mut all = Vec::new();
            loop {
                let page = services.list_systems(actor, &filter).await?;
                all.extend(page.items);
                match page.next_cursor {
                    Some(c) => filter.cursor = Some(c),
                    None => break,
                }
            }
            out.systems(&all)
        }
        SystemsCommand::Show { id } => out.system(&services.get_system(actor, &id).await?),
        SystemsCommand::Delete { id } => {
            services.delete_system(actor, &id).await?;
            out.done(
                &format!("system {id} deleted"),
                &serde_json::json!({"id": id, "deleted": true}),
            )
        }
        SystemsCommand::Test { id } => {
            let result = services.test_system(actor, &id).await?;
            out.test_result(&result)?;
            if result.ok {
                Ok(())
            } else {
                // The test ran; the endpoint failed it. Exit 1 so scripts notice.
                Err(AppError::External {
                    class: result
                        .error_class
                        .unwrap_or(storelink_core::ErrorClass::UnknownError),
                    retryable: result.error_class.is_some_and(|c| c.is_retryable()),
                    message: result.message,
                })
            }
        }
        SystemsCommand::Update(u) => {
            let settings = u.settings;
            let mut config = settings.config_json()?;
            if config.is_none() && (settings.cron.is_some() || settings.no_cron) {
                // A patch's config replaces the whole object: change the saved one.
                config = Some(services.get_system(actor, &u.id).await?.config);
            }
            let config = settings.with_cron(config);
            let secrets = settings.secrets()?;
            let patch = SystemPatch {
                name: u.name,
                provider: u.provider,
                version: settings.version,
                status: u.status,
                store_id: settings.store_id,
                api_endpoint: settings.api_endpoint,
                webhook_url: settings.webhook_url,
                config,
                sync_enabled: settings.sync_enabled,
                sync_interval: settings.sync_interval,
                secrets,
                clear_secrets: Vec::new(),
            };
            out.system(&services.update_system(actor, &u.id, patch).await?)
        }
    }
}

impl SettingArgs {
    fn config_json(&self) -> Result<Option<serde_json::Value>, AppError> {
        self.config
            .as_deref()
            .map(|text| {
                serde_json::from_str(text).map_err(|e| {
                    AppError::field(
                        "config",
                        Rule::Json,
                        format!("config is not valid JSON: {e}"),
                    )
                })
            })
            .transpose()
    }

    /// `config` with `--cron` set into it or `--no-cron` taken out of it (an empty `--cron`
    /// also clears). A config that is not an object is left for validation to refuse.
    fn with_cron(&self, config: Option<serde_json::Value>) -> Option<serde_json::Value> {
        if self.cron.is_none() && !self.no_cron {
            return config;
        }
        let mut config = config.unwrap_or_else(|| serde_json::json!({}));
        if let Some(map) = config.as_object_mut() {
            let key = storelink_core::sync_cron::KEY.to_owned();
            match self
                .cron
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                Some(expr) => map.insert(key, expr.into()),
                None => map.remove(&key),
            };
        }
        Some(config)
    }

    /// The API key, when asked to read it from standard input.
    fn secrets(&self) -> Result<BTreeMap<String, String>, AppError> {
        let mut secrets = BTreeMap::new();
        if self.api_key_stdin {
            secrets.insert("api_key".to_owned(), read_stdin_line("api_key")?);
        }
        if self.webhook_secret_stdin {
            secrets.insert(
                "webhook_secret".to_owned(),
                read_stdin_line("webhook_secret")?,
            );
        }
        Ok(secrets)
    }
}

/// One line from stdin, so a secret never appears in the process list or shell history.
fn read_stdin_line(field: &str) -> Result<String, AppError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| AppError::internal(format!("cannot read stdin: {e}")))?;
    let value = line.trim_end_matches(['\r', '\n']).to_owned();
    if value.is_empty() {
        return Err(AppError::field(
            format!("secrets.{field}"),
            Rule::Required,
            format!("{field} was expected on standard input"),
        ));
    }
    Ok(value)
}

fn read_password() -> Result<String, AppError> {
    if let Ok(p) = std::env::var("STORELINK_PASSWORD") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(AppError::field(
            "password",
            Rule::Required,
            "set STORELINK_PASSWORD or run in a terminal to be asked for the password",
        ));
    }
    rpassword::prompt_password("Password: ")
        .map_err(|e| AppError::internal(format!("cannot read the password: {e}")))
}
