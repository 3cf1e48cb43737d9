use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "storelink",
    version,
    about = "Storelink (智链 Store Link), headless"
)]
pub struct Cli {
    /// The data folder (default: the desktop app's, under the OS data directory).
    #[arg(long, global = true, env = "STORELINK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print results as JSON on stdout (seed field names).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the data folder, database and keychain health.
    Status,
    /// Check the whole database file (`PRAGMA quick_check`) and close it cleanly, so the
    /// next start of the app or of `serve` can skip its own check.
    Check,
    /// Staff accounts.
    #[command(subcommand)]
    Users(UsersCommand),
    /// External systems (POS, suppliers, members, ERP, ...).
    #[command(subcommand)]
    Systems(SystemsCommand),
    /// Run the listener for POS terminals and vendor webhooks until stopped (Ctrl-C, SIGTERM).
    Serve(ServeArgs),
    /// API tokens for POS terminals and scripts.
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// Pushes received (raw), and replaying them.
    #[command(subcommand)]
    Inbox(InboxCommand),
    /// Measure performance (see docs/BENCHMARKS.md).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Pull data from a vendor (ERP customers, products, orders), and see past runs.
    #[command(subcommand)]
    Sync(SyncCommand),
    /// Local changes waiting for their vendor.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Records changed here and at the vendor, waiting for a person (strategy `manual`).
    #[command(subcommand)]
    Conflicts(ConflictsCommand),
    /// Reservations (seed 002): import historical ones from a CSV or .xlsx file.
    #[command(subcommand)]
    Reservations(ReservationsCommand),
    /// Run a vendor simulator on this machine (tests, demos, benchmarks).
    #[command(subcommand)]
    Simulate(SimulateCommand),
    /// Supplier orders: cancel or reschedule one (sent on to the supplier).
    #[command(subcommand)]
    SupplierOrders(SupplierOrdersCommand),
    /// Systems' latest health snapshots (taken every 5 minutes while `serve` runs).
    Health {
        /// One system (default: every system with a snapshot).
        system_id: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SupplierOrdersCommand {
    /// Cancel an order here and ask the supplier to cancel it.
    Cancel {
        /// The supplier system.
        #[arg(long)]
        system: String,
        order_number: String,
        #[arg(long)]
        reason: String,
    },
    /// Move the delivery and/or installation day (改约); times in the future, RFC 3339
    /// or local (`2024-02-20 10:00`).
    Reschedule {
        #[arg(long)]
        system: String,
        order_number: String,
        #[arg(long)]
        distribution_time: Option<String>,
        #[arg(long)]
        install_time: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Entries, newest first.
    List {
        #[arg(long)]
        system: Option<String>,
        /// pending, in_flight, done or dead.
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Put a dead entry back in line now.
    Retry { id: String },
    /// Send what is due now instead of at the dispatcher's next turn.
    Send,
}

#[derive(Debug, Subcommand)]
pub enum ConflictsCommand {
    /// Conflicts with their differing fields, newest first.
    List {
        #[arg(long)]
        system: Option<String>,
        /// open or resolved (default: open).
        #[arg(long, default_value = "open")]
        status: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Settle one: keep one side whole, or choose each differing field.
    Resolve {
        id: String,
        /// local (our change is sent to the vendor) or remote (the vendor's version is taken).
        #[arg(long, conflicts_with = "field")]
        keep: Option<String>,
        /// PATH=local or PATH=remote, once per differing field (`--field name=remote`).
        #[arg(long)]
        field: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReservationsCommand {
    /// Import past reservations, all or nothing; prints a report naming each bad row.
    Import {
        /// The reservation system (Yiding) they belong to.
        #[arg(long)]
        system: String,
        /// A CSV (UTF-8) or .xlsx file whose header row names seed 002's fields.
        file: PathBuf,
    },
}

/// What every vendor simulator takes.
#[derive(Debug, Args)]
pub struct VendorSimArgs {
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,
    /// Customers (products are half as many, orders a quarter).
    #[arg(long, default_value_t = 1000)]
    pub records: usize,
    /// The same knobs as `simulate erp`, e.g. `429:0.05,500:0.02,expire_token_every:200`.
    #[arg(long, default_value = "")]
    pub faults: String,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum SimulateCommand {
    /// The custom REST ERP of seed 004 §6, with seeded data and fault knobs.
    Erp {
        #[arg(long, default_value = "127.0.0.1:8790")]
        listen: std::net::SocketAddr,
        /// Customers (products are half as many, orders a quarter).
        #[arg(long, default_value_t = 1000)]
        records: usize,
        /// e.g. `429:0.05,500:0.02,timeout:0.01,slow:300ms:0.1,malformed:0.01,expire_token_every:200`.
        #[arg(long, default_value = "")]
        faults: String,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Kingdee K3 Cloud WebAPI (LoginByAppSecret/LoginBySign/ValidateUser, ExecuteBillQuery, Save).
    Kingdee(VendorSimArgs),
    /// Yonyou U8 OpenAPI (token, batch_get/get, add/edit with trade ids).
    YonyouU8(VendorSimArgs),
    /// Yonyou YonSuite / YonBIP (signed token, /yonbip list/detail/save).
    Yonsuite(VendorSimArgs),
    /// SAP Business One Service Layer (/b1s/v1: Login, BusinessPartners, Items, Orders).
    SapB1(VendorSimArgs),
    /// SAP S/4HANA Cloud OData v2 (Basic or OAuth2, CSRF tokens, A_BusinessPartner, A_Product, A_SalesOrder).
    SapS4(VendorSimArgs),
    /// Haier open platform (OAuth2 client credentials, product info ≤ 20 codes, prices, stock, logistics).
    Haier(VendorSimArgs),
    /// 易理货 YLH (OAuth2 password grant, order create/cancel/reschedule, logistics).
    Ylh(VendorSimArgs),
    /// Temu Partner API (signed /openapi/router: orders, goods; 20 QPS; signed, encrypted webhooks).
    Temu(VendorSimArgs),
    /// Yiding reservations (seed 002: list, status updates, API key, signed webhooks).
    Yiding(VendorSimArgs),
    /// The seed 000 systems: Meituan POS, 蜀海 supply chain, WeChat member (/pos, /supplier, /member).
    Generic(VendorSimArgs),
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Sync one stream of a system now and wait for the end (resumes an interrupted run).
    Run {
        system_id: String,
        /// customers, products or orders.
        #[arg(long, default_value = "customers")]
        stream: String,
        /// full or incremental.
        #[arg(long, default_value = "incremental")]
        mode: String,
        /// Wait for the end (the default; kept for scripts that pass it).
        #[arg(long)]
        wait: bool,
    },
    /// Sync tasks, newest first.
    Tasks {
        #[arg(long)]
        system: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Per-item sync logs, newest first.
    Logs {
        #[arg(long)]
        system: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Stop a running task after its current page.
    Cancel { task_id: String },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Anything but loopback needs --lan.
    #[arg(long, default_value = "127.0.0.1:8765")]
    pub listen: std::net::SocketAddr,
    /// LAN mode: allow listening on a network address, for terminals on the store's LAN.
    #[arg(long)]
    pub lan: bool,
    /// Serve HTTPS with the listener's own certificate (made on first use; LAN mode).
    #[arg(long, requires = "lan")]
    pub tls: bool,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    pub body_limit: usize,
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Create a token. It is printed once; only its hash is kept.
    Add {
        #[arg(long)]
        name: String,
        /// The role the token acts with (admin, store_manager, floor_manager, ...).
        #[arg(long)]
        role: String,
        /// Limit the token to one system.
        #[arg(long)]
        system: Option<String>,
        /// Requests a second before 429 (default 50).
        #[arg(long)]
        rate_limit: Option<u32>,
    },
    /// List tokens (never the tokens themselves).
    List,
    /// Revoke a token at once.
    Revoke { id: String },
}

#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// Received pushes, newest first.
    List {
        #[arg(long)]
        system: Option<String>,
        /// received, processed or failed.
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Run the processing of a received push again (idempotent).
    Replay { id: String },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Durable POS ingest: starts `storelink serve` on loopback in a temporary data folder
    /// and drives it with concurrent HTTP clients; checks every 2xx is in the database.
    Ingest {
        /// Transactions to send.
        #[arg(long, default_value_t = 50_000)]
        transactions: usize,
        /// Concurrent connections.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// Keep the temporary data folder (for inspection).
        #[arg(long)]
        keep: bool,
    },
    /// Pull customers from the ERP simulator (run as its own process) into a fresh
    /// database, then pull them again unchanged; reports records/s and peak memory.
    /// Needs the keychain (the ERP password is kept there).
    Sync {
        #[arg(long, default_value_t = 1_000_000)]
        records: usize,
    },
    /// Fill the data folder (--data-dir) with an administrator, POS systems and many POS
    /// transactions, for the desktop benchmark (scripts/bench-desktop.sh).
    SeedPos(crate::bench_seed::SeedPosArgs),
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add an account; the password comes from STORELINK_PASSWORD, else a prompt.
    Add {
        #[arg(long)]
        username: String,
        /// admin, store_manager, floor_manager, warehouse_manager, customer_manager or staff.
        #[arg(long)]
        role: String,
    },
    /// List accounts.
    List,
}

#[derive(Debug, Subcommand)]
pub enum SystemsCommand {
    /// Add a system.
    Add(AddArgs),
    /// List systems, newest first.
    List(ListArgs),
    /// Show one system.
    Show { id: String },
    /// Change a system.
    Update(UpdateArgs),
    /// Delete a system: its sync stops, its history stays.
    Delete { id: String },
    /// Test the connection to the system's endpoint.
    Test { id: String },
}

/// Settings both `add` and `update` take.
#[derive(Debug, Args)]
pub struct SettingArgs {
    #[arg(long)]
    pub version: Option<String>,
    /// An empty value clears it (update).
    #[arg(long)]
    pub store_id: Option<String>,
    #[arg(long)]
    pub api_endpoint: Option<String>,
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Extra settings as a JSON object; secret-looking keys go to the keychain.
    #[arg(long)]
    pub config: Option<String>,
    #[arg(long)]
    pub sync_enabled: Option<bool>,
    /// Seconds between syncs, 30 to 86400.
    #[arg(long)]
    pub sync_interval: Option<i64>,
    /// Sync on a cron schedule instead of the interval, in the store's local time: 5 fields
    /// (`*/15 * * * *`) or 6 with seconds first. Kept as `config.sync_cron`.
    #[arg(long, value_name = "EXPR", conflicts_with = "no_cron")]
    pub cron: Option<String>,
    /// Remove the cron schedule: sync every --sync-interval again.
    #[arg(long)]
    pub no_cron: bool,
    /// Read the API key from the first line of standard input.
    #[arg(long)]
    pub api_key_stdin: bool,
    /// Read the webhook signing secret from standard input (the line after the API key).
    #[arg(long)]
    pub webhook_secret_stdin: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    pub name: String,
    /// pos, supplier, member, payment, delivery, erp, reservation or ecommerce.
    #[arg(long = "type")]
    pub system_type: String,
    #[arg(long)]
    pub provider: String,
    #[command(flatten)]
    pub settings: SettingArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long = "type")]
    pub system_type: Option<String>,
    #[arg(long)]
    pub store_id: Option<String>,
    #[arg(long)]
    pub status: Option<String>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    pub id: String,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub provider: Option<String>,
    /// active or inactive.
    #[arg(long)]
    pub status: Option<String>,
    #[command(flatten)]
    pub settings: SettingArgs,
}
