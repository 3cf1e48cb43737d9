//! `storelink simulate …`: a vendor simulator as a process, until Ctrl-C.

use std::io;
use std::net::SocketAddr;

use storelink_core::{AppError, Rule};
use storelink_simulators::erp::{ErpSim, ErpSimConfig, FaultSpec};
use storelink_simulators::generic::{GenericSim, GenericSimConfig, System as GenericSystem};
use storelink_simulators::haier::{HaierSim, HaierSimConfig};
use storelink_simulators::kingdee::{KingdeeSim, KingdeeSimConfig};
use storelink_simulators::sap_b1::{SapB1Sim, SapB1SimConfig};
use storelink_simulators::sap_s4::{SapS4Sim, SapS4SimConfig};
use storelink_simulators::temu::{TemuSim, TemuSimConfig};
use storelink_simulators::yiding::{YidingSim, YidingSimConfig};
use storelink_simulators::ylh::{YlhSim, YlhSimConfig};
use storelink_simulators::yonyou::{Variant, YonyouSim, YonyouSimConfig};

use crate::args::{SimulateCommand, VendorSimArgs};
use crate::output::Output;

/// What running a simulator as a process needs of it.
trait Simulator: Sized {
    type Config;
    async fn start_on(addr: SocketAddr, config: Self::Config) -> io::Result<Self>;
    fn base_url(&self) -> String;
    async fn stop(self);
}

macro_rules! simulator {
    ($($sim:ty => $config:ty),* $(,)?) => {$(
        impl Simulator for $sim {
            type Config = $config;
            async fn start_on(addr: SocketAddr, config: $config) -> io::Result<Self> {
                <$sim>::start_on(addr, config).await
            }
            fn base_url(&self) -> String {
                <$sim>::base_url(self)
            }
            async fn stop(self) {
                <$sim>::stop(self).await
            }
        }
    )*};
}

simulator!(
    ErpSim => ErpSimConfig,
    SapB1Sim => SapB1SimConfig,
    SapS4Sim => SapS4SimConfig,
    KingdeeSim => KingdeeSimConfig,
    YonyouSim => YonyouSimConfig,
    HaierSim => HaierSimConfig,
    YlhSim => YlhSimConfig,
    TemuSim => TemuSimConfig,
    YidingSim => YidingSimConfig,
    GenericSim => GenericSimConfig,
);

/// Runs the chosen simulator until Ctrl-C.
pub async fn command(command: &SimulateCommand, out: &Output) -> Result<(), AppError> {
    match command {
        SimulateCommand::Erp {
            listen,
            records,
            faults,
            seed,
        } => erp(*listen, *records, faults, *seed, out).await,
        SimulateCommand::SapB1(args) => sap_b1(args, out).await,
        SimulateCommand::SapS4(args) => sap_s4(args, out).await,
        SimulateCommand::Kingdee(args) => kingdee(args, out).await,
        SimulateCommand::YonyouU8(args) => yonyou(Variant::U8, args, out).await,
        SimulateCommand::Yonsuite(args) => yonyou(Variant::YonSuite, args, out).await,
        SimulateCommand::Haier(args) => haier(args, out).await,
        SimulateCommand::Ylh(args) => ylh(args, out).await,
        SimulateCommand::Temu(args) => temu(args, out).await,
        SimulateCommand::Yiding(args) => yiding(args, out).await,
        SimulateCommand::Generic(args) => generic(args, out).await,
    }
}

fn parse_faults(faults: &str) -> Result<FaultSpec, AppError> {
    FaultSpec::parse(faults).map_err(|e| {
        AppError::field(
            "faults",
            Rule::Format {
                expected: "kind:probability,...".into(),
            },
            e,
        )
    })
}

/// Starts `S` on `listen`, logs its credentials with `credentials`, announces its URL and
/// serves until Ctrl-C.
async fn serve<S: Simulator>(
    listen: SocketAddr,
    config: S::Config,
    credentials: impl FnOnce(&S),
    out: &Output,
) -> Result<(), AppError> {
    let sim = S::start_on(listen, config)
        .await
        .map_err(|e| AppError::internal(format!("cannot listen on {listen}: {e}")))?;
    credentials(&sim);
    out.listening(&sim.base_url(), &[], None)?;
    let _ = tokio::signal::ctrl_c().await;
    sim.stop().await;
    Ok(())
}

/// `storelink simulate erp`: the custom ERP simulator.
async fn erp(
    listen: SocketAddr,
    records: usize,
    faults: &str,
    seed: u64,
    out: &Output,
) -> Result<(), AppError> {
    let config = ErpSimConfig {
        records,
        seed,
        faults: parse_faults(faults)?,
        ..ErpSimConfig::default()
    };
    let (username, password) = (config.username.clone(), config.password.clone());
    serve::<ErpSim>(
        listen,
        config,
        |_| tracing::info!(%username, %password, records, "custom ERP simulator credentials"),
        out,
    )
    .await
}

/// `storelink simulate yonyou-u8|yonsuite`: a Yonyou simulator.
async fn yonyou(variant: Variant, args: &VendorSimArgs, out: &Output) -> Result<(), AppError> {
    let config = YonyouSimConfig {
        records: args.records,
        seed: args.seed,
        faults: parse_faults(&args.faults)?,
        ..YonyouSimConfig::new(variant)
    };
    // Simulator-only credentials, printed so a test system can be set up against it.
    let credentials = |sim: &YonyouSim| {
        let c = sim.config();
        tracing::info!(from_account = %c.from_account, app_key = %c.app_key,
            app_secret = %c.app_secret, records = args.records, "yonyou simulator credentials");
    };
    serve(args.listen, config, credentials, out).await
}

/// `storelink simulate kingdee`: the K3 Cloud simulator.
async fn kingdee(args: &VendorSimArgs, out: &Output) -> Result<(), AppError> {
    let config = KingdeeSimConfig {
        records: args.records,
        seed: args.seed,
        faults: parse_faults(&args.faults)?,
        ..KingdeeSimConfig::default()
    };
    // Simulator-only credentials, printed so a test system can be set up against it.
    let credentials = |sim: &KingdeeSim| {
        let c = sim.config();
        tracing::info!(acct_id = %c.acct_id, username = %c.username, app_id = %c.app_id,
            app_secret = %c.app_secret, password = %c.password, records = args.records,
            "kingdee simulator credentials");
    };
    serve(args.listen, config, credentials, out).await
}

/// `storelink simulate sap-b1`: the SAP Business One Service Layer simulator.
async fn sap_b1(args: &VendorSimArgs, out: &Output) -> Result<(), AppError> {
    let config = SapB1SimConfig {
        records: args.records,
        seed: args.seed,
        faults: parse_faults(&args.faults)?,
        ..SapB1SimConfig::default()
    };
    let (company_db, username, password) = (
        config.company_db.clone(),
        config.username.clone(),
        config.password.clone(),
    );
    // Simulator-only credentials, printed so a test system can be set up against it.
    let credentials = |_: &SapB1Sim| {
        tracing::info!(%company_db, %username, %password, records = args.records,
            "sap b1 simulator credentials");
    };
    serve(args.listen, config, credentials, out).await
}

/// `storelink simulate sap-s4`: the SAP S/4HANA Cloud OData v2 simulator.
async fn sap_s4(args: &VendorSimArgs, out: &Output) -> Result<(), AppError> {
    let config = SapS4SimConfig {
        records: args.records,
        seed: args.seed,
        faults: parse_faults(&args.faults)?,
        ..SapS4SimConfig::default()
    };
    // Simulator-only credentials, printed so a test system can be set up against it.
    let credentials = |sim: &SapS4Sim| {
        let c = sim.config();
        tracing::info!(username = %c.username, password = %c.password, client_id = %c.client_id,
            client_secret = %c.client_secret, records = args.records, "sap s4 simulator credentials");
    };
    serve(args.listen, config, credentials, out).await
}

/// `storelink simulate haier`: the Haier open platform simulator (`--records` products).
async fn haier(args: &VendorSimArgs, out: &Output) -> Result<(), AppError> {
    let config = HaierSimConfig {
        products: args.records,
        seed: args.seed,
        faults: parse_faults(&args.faults)?,
        ..HaierSimConfig::default()
    };
    // Simulator-only credentials, printed so a test system can be set up against it.
    let credentials = |sim: &HaierSim| {
        let c = sim.config();
        tracing::info!(client_id = %c.client_id, client_secret = %c.client_secret,
            customer_code = %c.customer_code, send_to_code = %c.send_to_code,
            password = %c.password, seller_password = %c.seller_password,
            products = c.products, orders = c.orders, "haier simulator credentials");
    };
    serve(args.listen, config, credentials, out).await
}

/// `storelink simulate ylh`: the 易理货 simulator (`--records` orders it already has).
async fn ylh(args: &VendorSimArgs, out: &Output) -> Result<(), AppError> {
    let config = YlhSimConfig {
        orders: args.records,
        seed: args.seed,
        faults: parse_faults(&args.faults)?,
        ..YlhSimConfig::default()
    };
    // Simulator-only credentials, printed so a test system can be set up against it.
    let credentials = |sim: &YlhSim| {
        let c = sim.config();
        tracing::info!(client_id = %c.client_id, client_secret = %c.client_secret,
            username = %c.username, password = %c.password, app_key = %c.app_key,
            callback_secret = %c.callback_secret, orders = args.records,
            "ylh simulator credentials");
    };
    serve(args.listen, config, credentials, out).await
}

/// `storelink simulate temu`: the Temu Partner API router (`/openapi/router`); `--records`
/// parent orders and half as many goods.
async fn temu(args: &VendorSimArgs, out: &Output) -> Result<(), AppError> {
    let config = TemuSimConfig {
        orders: args.records,
        goods: (args.records / 2).max(1),
        seed: args.seed,
        faults: parse_faults(&args.faults)?,
        ..TemuSimConfig::default()
    };
    // Simulator-only credentials, printed so a test system can be set up against it.
    let credentials = |sim: &TemuSim| {
        let c = sim.config();
        tracing::info!(app_key = %c.app_key, app_secret = %c.app_secret,
            access_token = %c.access_token, orders = c.orders, goods = c.goods,
            "temu simulator credentials");
    };
    serve(args.listen, config, credentials, out).await
}

/// `storelink simulate yiding`: the Yiding reservation platform (seed 002's contract).
async fn yiding(args: &VendorSimArgs, out: &Output) -> Result<(), AppError> {
    let config = YidingSimConfig {
        records: args.records,
        seed: args.seed,
        faults: parse_faults(&args.faults)?,
        ..YidingSimConfig::default()
    };
    // Simulator-only credentials, printed so a test system can be set up against it.
    let credentials = |sim: &YidingSim| {
        tracing::info!(api_endpoint = %sim.api_endpoint(), api_key = %sim.config().api_key,
            store_id = %sim.config().store_id, records = args.records, "yiding simulator credentials");
    };
    serve(args.listen, config, credentials, out).await
}

/// `storelink simulate generic`: the seed 000 systems (Meituan POS, 蜀海 supply chain,
/// WeChat member), each under its own prefix; `--records` members, a quarter as many
/// supplier orders.
async fn generic(args: &VendorSimArgs, out: &Output) -> Result<(), AppError> {
    let config = GenericSimConfig {
        members: args.records,
        orders: (args.records / 4).max(1),
        seed: args.seed,
        faults: parse_faults(&args.faults)?,
        ..GenericSimConfig::default()
    };
    // Simulator-only keys, printed so test systems can be set up against it.
    let credentials = |sim: &GenericSim| {
        let c = sim.config();
        tracing::info!(pos_endpoint = %sim.url(GenericSystem::Pos), pos_api_key = %c.pos_api_key,
            supplier_endpoint = %sim.url(GenericSystem::Supplier),
            supplier_api_key = %c.supplier_api_key,
            member_endpoint = %sim.url(GenericSystem::Member), member_api_key = %c.member_api_key,
            members = c.members, orders = c.orders, "seed 000 simulator endpoints and keys");
    };
    serve(args.listen, config, credentials, out).await
}
