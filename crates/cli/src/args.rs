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
    /// Staff accounts.
    #[command(subcommand)]
    Users(UsersCommand),
    /// External systems (POS, suppliers, members, ERP, ...).
    #[command(subcommand)]
    Systems(SystemsCommand),
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
    /// Read the API key from the first line of standard input.
    #[arg(long)]
    pub api_key_stdin: bool,
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
