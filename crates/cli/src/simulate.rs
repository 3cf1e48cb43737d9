//! `storelink simulate erp`: the custom ERP simulator as a process, until Ctrl-C.

use storelink_core::{AppError, Rule};
use storelink_simulators::erp::{ErpSim, ErpSimConfig, FaultSpec};

use crate::output::Output;

pub async fn erp(
    listen: std::net::SocketAddr,
    records: usize,
    faults: &str,
    seed: u64,
    out: &Output,
) -> Result<(), AppError> {
    let faults = FaultSpec::parse(faults).map_err(|e| {
        AppError::field(
            "faults",
            Rule::Format {
                expected: "kind:probability,...".into(),
            },
            e,
        )
    })?;
    let config = ErpSimConfig {
        records,
        seed,
        faults,
        ..ErpSimConfig::default()
    };
    let (username, password) = (config.username.clone(), config.password.clone());
    let sim = ErpSim::start_on(listen, config)
        .await
        .map_err(|e| AppError::internal(format!("cannot listen on {listen}: {e}")))?;
    tracing::info!(%username, %password, records, "custom ERP simulator credentials");
    out.listening(&sim.base_url(), &[], None)?;
    let _ = tokio::signal::ctrl_c().await;
    sim.stop().await;
    Ok(())
}

/// `storelink simulate yonyou-u8|yonsuite`: a Yonyou simulator until Ctrl-C.
pub async fn yonyou(
    variant: storelink_simulators::yonyou::Variant,
    args: &crate::args::VendorSimArgs,
    out: &Output,
) -> Result<(), AppError> {
    use storelink_simulators::yonyou::{YonyouSim, YonyouSimConfig};
    let faults = FaultSpec::parse(&args.faults).map_err(|e| {
        AppError::field(
            "faults",
            Rule::Format {
                expected: "kind:probability,...".into(),
            },
            e,
        )
    })?;
    let config = YonyouSimConfig {
        records: args.records,
        seed: args.seed,
        faults,
        ..YonyouSimConfig::new(variant)
    };
    let sim = YonyouSim::start_on(args.listen, config)
        .await
        .map_err(|e| AppError::internal(format!("cannot listen on {}: {e}", args.listen)))?;
    let c = sim.config();
    // Simulator-only credentials, printed so a test system can be set up against it.
    tracing::info!(from_account = %c.from_account, app_key = %c.app_key, app_secret = %c.app_secret,
        records = args.records, "yonyou simulator credentials");
    out.listening(&sim.base_url(), &[], None)?;
    let _ = tokio::signal::ctrl_c().await;
    sim.stop().await;
    Ok(())
}

/// `storelink simulate kingdee`: the K3 Cloud simulator until Ctrl-C.
pub async fn kingdee(args: &crate::args::VendorSimArgs, out: &Output) -> Result<(), AppError> {
    use storelink_simulators::kingdee::{KingdeeSim, KingdeeSimConfig};
    let faults = FaultSpec::parse(&args.faults).map_err(|e| {
        AppError::field(
            "faults",
            Rule::Format {
                expected: "kind:probability,...".into(),
            },
            e,
        )
    })?;
    let config = KingdeeSimConfig {
        records: args.records,
        seed: args.seed,
        faults,
        ..KingdeeSimConfig::default()
    };
    let sim = KingdeeSim::start_on(args.listen, config)
        .await
        .map_err(|e| AppError::internal(format!("cannot listen on {}: {e}", args.listen)))?;
    let c = sim.config();
    // Simulator-only credentials, printed so a test system can be set up against it.
    tracing::info!(acct_id = %c.acct_id, username = %c.username, app_id = %c.app_id,
        app_secret = %c.app_secret, password = %c.password, records = args.records,
        "kingdee simulator credentials");
    out.listening(&sim.base_url(), &[], None)?;
    let _ = tokio::signal::ctrl_c().await;
    sim.stop().await;
    Ok(())
}

/// `storelink simulate sap-b1`: the SAP Business One Service Layer simulator until Ctrl-C.
pub async fn sap_b1(args: &crate::args::VendorSimArgs, out: &Output) -> Result<(), AppError> {
    use storelink_simulators::sap_b1::{SapB1Sim, SapB1SimConfig};
    let faults = FaultSpec::parse(&args.faults).map_err(|e| {
        AppError::field(
            "faults",
            Rule::Format {
                expected: "kind:probability,...".into(),
            },
            e,
        )
    })?;
    let config = SapB1SimConfig {
        records: args.records,
        seed: args.seed,
        faults,
        ..SapB1SimConfig::default()
    };
    let (company_db, username, password) = (
        config.company_db.clone(),
        config.username.clone(),
        config.password.clone(),
    );
    let sim = SapB1Sim::start_on(args.listen, config)
        .await
        .map_err(|e| AppError::internal(format!("cannot listen on {}: {e}", args.listen)))?;
    // Simulator-only credentials, printed so a test system can be set up against it.
    tracing::info!(%company_db, %username, %password, records = args.records,
        "sap b1 simulator credentials");
    out.listening(&sim.base_url(), &[], None)?;
    let _ = tokio::signal::ctrl_c().await;
    sim.stop().await;
    Ok(())
}
