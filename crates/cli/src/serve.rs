//! `storelink serve`: the listener, headless, until Ctrl-C or SIGTERM.

use storelink_core::ingest::DomainEvent;
use storelink_core::AppError;
use storelink_listener::{certificate, tls, ListenerConfig};
use storelink_service::Services;

use crate::args::ServeArgs;
use crate::output::Output;

pub async fn run(services: &Services, args: ServeArgs, out: &Output) -> Result<(), AppError> {
    let (tls_config, fingerprint) = if args.tls {
        let mut names = storelink_listener::control::certificate_names();
        if !args.listen.ip().is_unspecified() {
            names.push(args.listen.ip().to_string());
        }
        let (material, fingerprint) = certificate::load_or_create(services, &names).await?;
        let config =
            tls::server_config(&material).map_err(|e| AppError::internal(e.to_string()))?;
        (Some(config), Some(fingerprint))
    } else {
        (None, None)
    };
    let listener = storelink_listener::start(
        services.clone(),
        ListenerConfig {
            addr: args.listen,
            lan: args.lan,
            tls: tls_config,
            body_limit: args.body_limit,
        },
    )
    .await?;
    out.listening(
        &listener.base_url(),
        &listener.lan_urls(),
        fingerprint.as_deref(),
    )?;
    // The headless shell's notifications: a log line per event people care about.
    let mut events = services.subscribe();
    tokio::spawn(async move {
        while let Ok(event) = events.recv().await {
            match event {
                DomainEvent::Alert { alert } => {
                    tracing::warn!(
                        kind = %alert.kind,
                        system = %alert.system_id,
                        "{}",
                        alert.message
                    );
                }
                DomainEvent::PosTransactionRecorded { .. } => {}
                event => tracing::info!(?event, "event"),
            }
        }
    });
    let stopper = listener.stopper();
    let background = services.start_background_sync();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("stopping the listener");
        let _ = stopper.send(true);
        let _ = background.send(true);
    });
    listener.wait().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
