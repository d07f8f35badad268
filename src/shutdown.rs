//! Stopping without dropping a request that a load balancer already sent.
//!
//! On the first SIGTERM or SIGINT the replica drains: `/readyz` answers 503 so the balancer
//! takes it out, while it keeps accepting and serving for `SHUTDOWN_DRAIN_SECONDS`, each
//! answer with `Connection: close` so no connection is reused. Only then does the listener
//! close, and in-flight requests get `SHUTDOWN_TIMEOUT`. A second signal ends the drain early;
//! one more, or the timeout, cuts what is still under way short (`Cut`), and the replica
//! gives its session cache's lease back before it goes (`startup`).
//!
//! Closing a listener resets every connection the kernel queued for it but the process had
//! not yet taken, and a proxy will not resend a POST that was written to such a connection.
//! So on Linux the listener first refuses new handshakes by dropping bare SYNs (a client
//! retries its SYN after a second, finds the port closed, and a proxy moves on to another
//! replica), and for a fixed window takes what was already queued or under way.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::http::HeaderValue;
use axum::response::Response;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Whether this replica is draining. Read on every response, so it is one atomic load.
#[derive(Clone, Debug, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    pub fn begin(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_on(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Connection: close` while draining, for `SetResponseHeaderLayer`. HTTP/2 has no such
    /// header; hyper drops it there, and ends those connections with GOAWAY when they close.
    pub fn connection_header(self) -> impl Fn(&Response) -> Option<HeaderValue> + Clone {
        move |_| self.is_on().then_some(HeaderValue::from_static("close"))
    }
}

/// SIGTERM and SIGINT, registered at once and kept, so that no signal is lost: not one sent
/// as soon as the port answers, nor a second one.
pub struct Signals {
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    pub fn listen() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let register = |kind: SignalKind, name: &str| {
                signal(kind)
                    .inspect_err(|e| tracing::warn!(error = %e, signal = name, "cannot handle"))
                    .ok()
            };
            Signals {
                terminate: register(SignalKind::terminate(), "SIGTERM"),
                interrupt: register(SignalKind::interrupt(), "SIGINT"),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// Resolves on the next SIGTERM or SIGINT.
    pub async fn next(&mut self) {
        #[cfg(unix)]
        {
            async fn on(signal: &mut Option<tokio::signal::unix::Signal>) {
                match signal {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                () = on(&mut self.terminate) => {},
                () = on(&mut self.interrupt) => {},
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The drain, from the first signal to the moment the listener should close.
pub async fn drain(signals: &mut Signals, draining: &Draining, period: Duration) {
    signals.next().await;
    draining.begin();
    if period.is_zero() {
        tracing::info!("shutdown signal received; no drain (SHUTDOWN_DRAIN_SECONDS=0)");
        return;
    }
    tracing::info!(
        seconds = period.as_secs(),
        "shutdown signal received; draining: /readyz answers 503 and connections close after each answer"
    );
    tokio::select! {
        () = tokio::time::sleep(period) => tracing::info!("drain over"),
        () = signals.next() => tracing::info!("second shutdown signal; drain cut short"),
    }
}

/// Why a stop stopped waiting for the requests in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// `SHUTDOWN_TIMEOUT` ran out, counted from the listener's closing.
    Timeout(Duration),
    /// One more shutdown signal came.
    Signal,
}

/// How long a closing listener still takes connections once new handshakes are refused:
/// enough for a handshake already under way to complete, even one whose final ACK was lost
/// and comes back after the SYN-ACK is resent (1 s). Fixed, so no client can stretch it.
const CLOSING_WINDOW: Duration = Duration::from_millis(1500);

/// The closing window under a `SHUTDOWN_TIMEOUT` of `limit`: `CLOSING_WINDOW`, shortened
/// where the timeout is short so that the connections it takes keep half of `limit` or half
/// a second, whichever is less, for their requests.
pub fn closing_window(limit: Duration) -> Duration {
    CLOSING_WINDOW.min((limit / 2).max(limit.saturating_sub(Duration::from_millis(500))))
}

/// How long a connection taken in the closing window has to bring its first request: as long
/// as the window, but ending [`FIRST_REQUEST_MARGIN`] before the timeout for one taken as the
/// window closes, so that an idle connection is closed before the timeout cuts anything
/// short.
pub fn first_request(limit: Duration) -> Duration {
    CLOSING_WINDOW.min(
        limit
            .saturating_sub(closing_window(limit))
            .saturating_sub(FIRST_REQUEST_MARGIN),
    )
}

/// What a connection's first-request time leaves before the timeout: the connection is
/// counted from its first poll on a worker, a little after the listener took it.
const FIRST_REQUEST_MARGIN: Duration = Duration::from_millis(250);

/// The service's listener: accepts until told to close, then, where it can refuse new
/// handshakes, serves what was already under way for the closing window
/// ([`closing_window`] of `limit`).
/// It closes itself right after its last accept finds the queue empty, so that no
/// connection can land in between, and reports through `closed` that it has.
pub struct DrainingListener {
    inner: Option<TcpListener>,
    addr: SocketAddr,
    close: watch::Receiver<bool>,
    closed: Option<tokio::sync::oneshot::Sender<()>>,
    limit: Duration,
    closing_until: Option<tokio::time::Instant>,
}

impl DrainingListener {
    pub fn new(
        inner: TcpListener,
        close: watch::Receiver<bool>,
        closed: tokio::sync::oneshot::Sender<()>,
        limit: Duration,
    ) -> DrainingListener {
        DrainingListener {
            addr: inner.local_addr().expect("a bound listener has an address"),
            inner: Some(inner),
            close,
            closed: Some(closed),
            limit,
            closing_until: None,
        }
    }

    async fn next(&mut self) -> io::Result<(TcpStream, SocketAddr)> {
        let Some(inner) = self.inner.as_ref() else {
            // Closed: the server stops asking once told; until then, nothing more.
            return std::future::pending().await;
        };
        let until = match self.closing_until {
            Some(until) => until,
            None => {
                tokio::select! {
                    biased;
                    // A dropped sender means the same as a request to close.
                    _ = self.close.wait_for(|close| *close) => {}
                    accepted = inner.accept() => return accepted,
                }
                let window = match refuse_new_connections(inner) {
                    Ok(true) => closing_window(self.limit),
                    // Without the filter, waiting would only let more connections queue up.
                    Ok(false) => Duration::ZERO,
                    Err(e) => {
                        tracing::warn!(
                            error = %e,
                            "cannot refuse new connections before closing (some kernels \
                             allow a socket filter only with CAP_NET_ADMIN); closing at once"
                        );
                        Duration::ZERO
                    }
                };
                let until = tokio::time::Instant::now() + window;
                self.closing_until = Some(until);
                until
            }
        };
        if tokio::time::Instant::now() < until
            && let Ok(accepted) = tokio::time::timeout_at(until, inner.accept()).await
        {
            return accepted;
        }
        // One last look without waiting, and the close straight after it.
        if let Some(accepted) = accept_now(inner) {
            return accepted;
        }
        self.inner = None;
        if let Some(closed) = self.closed.take() {
            tracing::info!("listener closed; finishing in-flight requests");
            let _ = closed.send(());
        }
        std::future::pending().await
    }
}

/// A connection already in the queue, without waiting for one.
fn accept_now(listener: &TcpListener) -> Option<io::Result<(TcpStream, SocketAddr)>> {
    let mut nothing_to_wake = std::task::Context::from_waker(std::task::Waker::noop());
    match listener.poll_accept(&mut nothing_to_wake) {
        std::task::Poll::Ready(accepted) => Some(accepted),
        std::task::Poll::Pending => None,
    }
}

impl axum::serve::Listener for DrainingListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            match self.next().await {
                Ok(accepted) => return accepted,
                Err(e) if is_connection_error(&e) => {}
                Err(e) => {
                    // Out of file descriptors, say: retrying at once would spin.
                    tracing::error!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.addr)
    }
}

/// An error about one connection that was gone before it was taken, not about the listener.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Drops every bare SYN (a new connection) that reaches the listener, while the final ACKs
/// of handshakes already under way still land in the accept queue. A socket filter sees the
/// TCP header first; byte 13 holds the flags. `Ok(false)` where there is no such filter.
#[cfg(target_os = "linux")]
pub fn refuse_new_connections(listener: &TcpListener) -> io::Result<bool> {
    use socket2::{SockFilter, SockRef};
    const LD_B_ABS: u16 = 0x30; // A = packet[k]
    const AND_K: u16 = 0x54; // A &= k
    const JEQ_K: u16 = 0x15; // pc += (A == k) ? jt : jf
    const RET_K: u16 = 0x06; // keep k bytes; 0 drops the packet
    const SYN: u32 = 0x02;
    const ACK: u32 = 0x10;
    let program = [
        SockFilter::new(LD_B_ABS, 0, 0, 13),
        SockFilter::new(AND_K, 0, 0, SYN | ACK),
        SockFilter::new(JEQ_K, 0, 1, SYN),
        SockFilter::new(RET_K, 0, 0, 0),
        SockFilter::new(RET_K, 0, 0, u32::MAX),
    ];
    SockRef::from(listener).attach_filter(&program)?;
    Ok(true)
}

#[cfg(not(target_os = "linux"))]
pub fn refuse_new_connections(_listener: &TcpListener) -> io::Result<bool> {
    Ok(false)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    async fn refusing(addr: &str) {
        let listener = TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let queued = TcpStream::connect(addr).await.unwrap();

        assert!(refuse_new_connections(&listener).unwrap());

        let (_taken, from) = listener.accept().await.unwrap();
        assert_eq!(from, queued.local_addr().unwrap());
        // Without the filter this connects at once; with it the SYN is dropped, unanswered.
        let late = tokio::time::timeout(Duration::from_millis(500), TcpStream::connect(addr)).await;
        assert!(late.is_err(), "a new handshake completed: {late:?}");
        drop(listener);
        // Once closed, the port refuses: the client's retried SYN meets a reset.
        let refused = TcpStream::connect(addr).await;
        assert!(refused.is_err(), "connected after close: {refused:?}");
    }

    #[test]
    fn the_window_and_a_first_request_fit_in_the_timeout_and_keep_their_length_where_they_can() {
        for tenths in 0..=250 {
            let limit = Duration::from_millis(tenths * 100);
            let (window, first) = (closing_window(limit), first_request(limit));
            assert!(window <= limit, "{limit:?}: {window:?}");
            assert!(
                first.is_zero() || window + first + FIRST_REQUEST_MARGIN <= limit,
                "{limit:?}: {window:?} + {first:?}"
            );
            if limit >= Duration::from_secs(2) {
                assert_eq!(window, CLOSING_WINDOW, "{limit:?}");
            }
            if limit >= Duration::from_millis(3250) {
                assert_eq!(first, CLOSING_WINDOW, "{limit:?}");
            }
        }
        assert_eq!(
            closing_window(Duration::from_secs(1)),
            Duration::from_millis(500)
        );
        assert_eq!(
            first_request(Duration::from_secs(2)),
            Duration::from_millis(250)
        );
        assert_eq!(
            first_request(Duration::from_secs(1)),
            Duration::from_millis(250)
        );
        assert_eq!(closing_window(Duration::ZERO), Duration::ZERO);
    }

    #[tokio::test]
    async fn a_refusing_listener_hands_over_what_was_queued_but_completes_no_new_handshake() {
        refusing("127.0.0.1:0").await;
    }

    #[tokio::test]
    async fn the_filter_reads_the_flags_of_ipv6_handshakes_too() {
        refusing("[::1]:0").await;
    }
}
