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
