//! `sitrep serve`: opens the store read-only, binds (loopback by default) and serves
//! [`crate::server::app`] until Ctrl-C or SIGTERM.

use anyhow::{Context, Result, bail};
use sitrep_store::Store;

use crate::cli::{Cli, ServeArgs};
use crate::report::Status;
use crate::server::{AppState, Config, IngestConfig, Limits, app};

/// Read-only connections: requests read in parallel up to this many.
const CONNECTIONS: usize = 4;
const MIN_TOKEN: usize = 16;

pub fn run(_cli: &Cli, args: &ServeArgs) -> Result<Status> {
    let db = &args.store.db;
    if super::ingest::postgres_url(db).is_some() {
        bail!(
            "sitrep serve reads a SQLite store only; the read commands (events, incidents, \
             control, claims, export) take a PostgreSQL --db"
        );
    }
    if !db.is_file() {
        bail!(
            "no store at {} (create one with `sitrep ingest PATH --db {}`)",
            db.display(),
            db.display()
        );
    }
    let ingest = match (&args.token, args.allow_ingest) {
        (Some(t), true) if t.chars().count() < MIN_TOKEN => {
            bail!("--token must be at least {MIN_TOKEN} characters")
        }
        (Some(token), true) => Some(IngestConfig {
            token: token.clone(),
            exe: std::env::current_exe().context("finding the sitrep executable")?,
            db: db.canonicalize()?,
        }),
        _ => None,
    };
    let stores = (0..CONNECTIONS)
        .map(|_| Store::open_read_only(db))
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("opening the store {}", db.display()))?;
    let loopback = args.addr.ip().is_loopback();
    if !loopback {
        eprintln!(
            "sitrep: warning: listening on {}, not loopback: anyone who can reach it can read the store",
            args.addr
        );
    }
    let rate = f64::from(args.rate_limit.max(1));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the server runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("listening on {}", args.addr))?;
        let local = listener.local_addr()?;
        let config = Config {
            ingest,
            limits: Limits {
                per_second: rate,
                burst: 4.0 * rate,
                ..Limits::default()
            },
            loopback_port: loopback.then_some(local.port()),
        };
        let writable = config.ingest.is_some();
        let state = AppState::new(stores, config);
        // Always printed, even with --quiet: callers (the browser test) read the address.
        eprintln!(
            "sitrep: serving {} at http://{local}/ ({}); Ctrl-C stops",
            db.display(),
            if writable {
                "POST /api/ingest enabled"
            } else {
                "read-only"
            }
        );
        axum::serve(listener, app(state))
            .with_graceful_shutdown(shutdown())
            .await
            .context("serving")
    })?;
    Ok(Status::Ok)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
