//! Serving a sandbox on an ephemeral loopback port, and its periodic chores, in background tasks
//! stopped when their handles drop.

use std::time::Duration;

use anyhow::Context;
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::time::MissedTickBehavior;

/// A listener on `127.0.0.1:0` and the base URL it answers on.
pub(crate) struct Bound {
    listener: TcpListener,
    pub(crate) base_url: String,
}

pub(crate) async fn bind(name: &str) -> anyhow::Result<Bound> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .with_context(|| format!("Failed to bind the {name} sandbox listener"))?;
    let addr = listener
        .local_addr()
        .with_context(|| format!("Failed to read the {name} sandbox address"))?;
    Ok(Bound {
        listener,
        base_url: format!("http://{addr}"),
    })
}

/// Serves `app` until the returned handle is dropped.
pub(crate) fn serve(bound: Bound, app: Router, name: &'static str) -> StopOnDrop {
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        // Small request/response pairs: Nagle would add ~40 ms to each keep-alive call.
        let listener = bound.listener.tap_io(|tcp| {
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
pub(crate) fn repeat(period: Duration, mut tick: impl FnMut() + Send + 'static) -> StopOnDrop {
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
pub(crate) struct StopOnDrop(Option<oneshot::Sender<()>>);

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
