//! Serving a sandbox on an ephemeral loopback port, and its periodic chores, in background tasks
//! stopped when their handles drop.

use std::ops::Deref;
use std::time::Duration;

use anyhow::Context;
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::time::MissedTickBehavior;

/// How often a ticking sandbox applies what fell due.
const TICK_EVERY: Duration = Duration::from_secs(1);

/// A sandbox served on a local port; dropping it stops the server and its ticker, if any.
///
/// Derefs to the sandbox, so its in-process controls (`stats`, `advance_clock`, …) can be
/// called on the handle directly.
#[derive(Debug)]
pub struct Running<S> {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
    /// The served instance, for in-process control.
    pub sandbox: S,
    _server: StopOnDrop,
    _ticker: Option<StopOnDrop>,
}

impl<S> Running<S> {
    /// `base_url` joined with an absolute path such as `/_sandbox/stats`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Also calls `tick` every [`TICK_EVERY`] until the handle drops, for a sandbox whose time
    /// drives events that must fire without API calls.
    pub(crate) fn ticking(self, tick: impl FnMut() + Send + 'static) -> Self {
        Self {
            _ticker: Some(repeat(TICK_EVERY, tick)),
            ..self
        }
    }
}

impl<S> Deref for Running<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.sandbox
    }
}

/// Serves `sandbox` (through the router `app` builds for it) on a new ephemeral port.
pub(crate) async fn spawn<S>(
    name: &'static str,
    sandbox: S,
    app: impl FnOnce(&S) -> Router,
) -> anyhow::Result<Running<S>> {
    let bound = bind(name).await?;
    let router = app(&sandbox);
    Ok(bound.serve(sandbox, router))
}

/// A listener on `127.0.0.1:0` and the base URL it answers on.
pub(crate) struct Bound {
    listener: TcpListener,
    name: &'static str,
    pub(crate) base_url: String,
}

impl Bound {
    /// Serves `app` for `sandbox` until the returned handle drops.
    pub(crate) fn serve<S>(self, sandbox: S, app: Router) -> Running<S> {
        let base_url = self.base_url.clone();
        Running {
            base_url,
            sandbox,
            _server: serve(self.listener, app, self.name),
            _ticker: None,
        }
    }
}

/// Binds an ephemeral loopback port for the sandbox called `name`; serve it with [`Bound::serve`].
pub(crate) async fn bind(name: &'static str) -> anyhow::Result<Bound> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .with_context(|| format!("Failed to bind the {name} sandbox listener"))?;
    let addr = listener
        .local_addr()
        .with_context(|| format!("Failed to read the {name} sandbox address"))?;
    Ok(Bound {
        listener,
        name,
        base_url: format!("http://{addr}"),
    })
}

/// Serves `app` until the returned handle is dropped.
fn serve(listener: TcpListener, app: Router, name: &'static str) -> StopOnDrop {
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        // Small request/response pairs: Nagle would add ~40 ms to each keep-alive call.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let shutdown = async {
            let _ = stopped.await;
        };
        if let Err(error) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(%error, "{name} sandbox server failed");
        }
    });
    StopOnDrop(Some(stop))
}

/// Calls `tick` every `period` in a background task until the returned handle is dropped.
fn repeat(period: Duration, mut tick: impl FnMut() + Send + 'static) -> StopOnDrop {
    let (stop, mut stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut stopped => break,
                _ = interval.tick() => tick(),
            }
        }
    });
    StopOnDrop(Some(stop))
}

/// Stops the server (or the repeating task) when dropped.
#[derive(Debug)]
struct StopOnDrop(Option<oneshot::Sender<()>>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if let Some(stop) = self.0.take() {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn repeating_stops_when_the_handle_drops() {
        let ticks = Arc::new(AtomicU32::new(0));
        let counter = ticks.clone();
        let handle = repeat(Duration::from_millis(5), move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert!(ticks.load(Ordering::SeqCst) >= 2);
        drop(handle);
        tokio::time::sleep(Duration::from_millis(20)).await;
        let stopped_at = ticks.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(ticks.load(Ordering::SeqCst), stopped_at);
    }
}
