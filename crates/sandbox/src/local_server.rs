//! Serving a sandbox on an ephemeral loopback port, in a background task stopped when its handle drops.

use anyhow::Context;
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

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

/// Stops the server when dropped.
#[derive(Debug)]
pub(crate) struct StopOnDrop(Option<oneshot::Sender<()>>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if let Some(stop) = self.0.take() {
            let _ = stop.send(());
        }
    }
}
