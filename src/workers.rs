//! Serving connections on one thread per core, each with a runtime of its own.
//!
//! On tokio's shared multi-threaded runtime, a proxied call hops between threads: the
//! connection's task, the upstream connection's task and the I/O driver's wake-ups each run
//! wherever a thread is free, and every hop is a cross-thread wake-up. Here a connection,
//! once accepted, stays on one worker: a single-threaded runtime that reads it, runs its
//! handlers, and holds its own pool of upstream connections (the service it is given), so a
//! call through the token handler reaches its upstream and comes back without waking another
//! thread (a session read from the database aside, below). This is how nginx and most
//! proxies serve. The rest of the process (the listener, background tasks, `/metrics`)
//! stays on the shared runtime.
//!
//! Database and Cognito connections are pooled for the whole process: one opened by a
//! request on a worker is driven by that worker's runtime wherever it is used next. So a
//! worker keeps its runtime until told to exit, even once its connections are done, since
//! the shared runtime still uses them while the service stops.
//!
//! The listener hands each connection to the worker with the fewest open, so a few long-lived
//! connections (a load balancer's) spread over the workers. A connection is not moved once
//! taken: an HTTP/2 connection's streams all run on its worker.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use axum::serve::Listener;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};
use tower::Service;

/// What a worker serves its connections with: a service per worker, cloned per connection.
pub trait Serves:
    Service<Request<Body>, Response = Response<Body>, Error = Infallible, Future: Send + 'static>
    + Clone
    + Send
    + 'static
{
}

impl<S> Serves for S where
    S: Service<
            Request<Body>,
            Response = Response<Body>,
            Error = Infallible,
            Future: Send + 'static,
        > + Clone
        + Send
        + 'static
{
}

/// A connection as the listener took it.
type Accepted = (std::net::TcpStream, SocketAddr);

/// The most a connection is given for its first request once the workers finish, whatever
/// they are told: as long as the longest shutdown timeout, and no overflow of the clock.
const LONGEST_FIRST_REQUEST: Duration = Duration::from_secs(3600);

/// The workers of one listener.
pub struct Workers {
    hands: Vec<Hand>,
    /// Where the search for the least busy worker starts, so ties go round.
    next: usize,
    /// Set once the listener has closed, to how long a connection taken just before has to
    /// bring its first request: each connection finishes what it has under way and closes.
    finish: watch::Sender<Option<Duration>>,
    /// One per worker, sent once all its connections have closed.
    drained: Vec<oneshot::Receiver<()>>,
    /// Dropped to end every worker, whatever it still runs.
    _exit: watch::Sender<()>,
}

/// The way to one worker, and how many connections it has open.
struct Hand {
    send: mpsc::UnboundedSender<Accepted>,
    open: Arc<AtomicUsize>,
}

impl Workers {
    /// Starts `count` workers (at least one), each serving with a service of its own from
    /// `service`.
    pub fn start<S: Serves>(count: usize, mut service: impl FnMut() -> S) -> io::Result<Workers> {
        let (finish, finishing) = watch::channel(None);
        let (exit, exiting) = watch::channel(());
        let mut hands = Vec::new();
        let mut drained = Vec::new();
        let count = count.max(1);
        for index in 0..count {
            // The blocking pool (SRP's arithmetic, name lookups) is per runtime: the workers
            // share tokio's default bound for one rather than each having it.
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .max_blocking_threads((512 / count).max(1))
                .build()?;
            let (send, connections) = mpsc::unbounded_channel();
            let open = Arc::new(AtomicUsize::new(0));
            let (done, is_done) = oneshot::channel();
            let work = work(
                service(),
                connections,
                open.clone(),
                finishing.clone(),
                done,
            );
            let mut exiting = exiting.clone();
            std::thread::Builder::new()
                .name(format!("http-worker-{index}"))
                .spawn(move || {
                    runtime.block_on(async move {
                        tokio::select! {
                            () = work => {}
                            _ = exiting.changed() => {}
                        }
                    });
                })?;
            hands.push(Hand { send, open });
            drained.push(is_done);
        }
        Ok(Workers {
            hands,
            next: 0,
            finish,
            drained,
            _exit: exit,
        })
    }

    /// Hands over every connection `listener` takes until `stop` resolves.
    pub async fn take_from<L>(&mut self, listener: &mut L, stop: impl Future<Output = ()>)
    where
        L: Listener<Io = TcpStream, Addr = SocketAddr>,
    {
        let mut stop = pin!(stop);
        loop {
            tokio::select! {
                (tcp, peer) = listener.accept() => {
                    // No Nagle delay on answers: an answer streamed in parts (the token
                    // handler's) would otherwise wait for the client's acknowledgement of the
                    // first.
                    if let Err(e) = tcp.set_nodelay(true) {
                        tracing::debug!(error = %e, "TCP_NODELAY not set");
                    }
                    self.hand(tcp, peer);
                }
                () = &mut stop => return,
            }
        }
    }

    /// Gives a connection to the worker with the fewest open.
    pub fn hand(&mut self, stream: TcpStream, peer: SocketAddr) {
        // Out of the shared runtime's driver, into the worker's.
        let mut accepted = match stream.into_std() {
            Ok(stream) => (stream, peer),
            Err(e) => {
                tracing::debug!(error = %e, "a connection could not be handed to a worker");
                return;
            }
        };
        let count = self.hands.len();
        let start = self.next;
        self.next = self.next.wrapping_add(1);
        let mut order: Vec<usize> = (0..count).map(|i| (start + i) % count).collect();
        order.sort_by_key(|&i| self.hands[i].open.load(Ordering::Relaxed));
        let mut gone = Vec::new();
        let mut taken = false;
        for index in order {
            let hand = &self.hands[index];
            hand.open.fetch_add(1, Ordering::Relaxed);
            match hand.send.send(accepted) {
                Ok(()) => {
                    taken = true;
                    break;
                }
                Err(back) => {
                    // Only a worker whose thread died can refuse: it is dropped, and told once.
                    hand.open.fetch_sub(1, Ordering::Relaxed);
                    tracing::error!("a worker is gone; its connections go to the others");
                    gone.push(index);
                    accepted = back.0;
                }
            }
        }
        gone.sort_unstable();
        for index in gone.into_iter().rev() {
            self.hands.remove(index);
        }
        if !taken {
            tracing::error!("no worker left to take a connection");
        }
    }

    /// Once the listener has closed: tells every connection to finish what it has under way,
    /// and waits until all have closed. The workers keep running until `self` is dropped.
    ///
    /// A connection taken less than `first_request` before may not have sent its first
    /// request yet (one taken in the listener's closing window, `crate::shutdown`), and
    /// closing it unread would lose that request: it gets until then to bring it.
    pub async fn finish(&mut self, first_request: Duration) {
        let _ = self.finish.send(Some(first_request));
        self.hands.clear();
        for drained in std::mem::take(&mut self.drained) {
            let _ = drained.await;
        }
    }
}

/// One worker's life: takes connections until there are no more to come, then reports once
/// every one it took has closed, and waits to be told to exit.
async fn work<S: Serves>(
    service: S,
    mut connections: mpsc::UnboundedReceiver<Accepted>,
    load: Arc<AtomicUsize>,
    finishing: watch::Receiver<Option<Duration>>,
    done: oneshot::Sender<()>,
) {
    // Each connection holds a receiver; `closed` resolves once the last is gone.
    let (open, opened) = watch::channel(());
    while let Some((stream, peer)) = connections.recv().await {
        let open = Open {
            load: load.clone(),
            _open: opened.clone(),
        };
        let stream = match TcpStream::from_std(stream) {
            Ok(stream) => stream,
            Err(e) => {
                tracing::debug!(error = %e, "a worker could not take a connection");
                continue;
            }
        };
        tokio::spawn(serve(
            stream,
            WithPeer {
                service: service.clone(),
                peer,
            },
            finishing.clone(),
            open,
        ));
    }
    drop(opened);
    open.closed().await;
    let _ = done.send(());
    std::future::pending::<()>().await;
}

/// A connection counted as open, until dropped.
struct Open {
    load: Arc<AtomicUsize>,
    /// Held while the connection is open; the worker waits for the last to go.
    _open: watch::Receiver<()>,
}

impl Drop for Open {
    fn drop(&mut self) {
        self.load.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Serves one connection, as `axum::serve` does (HTTP/1.1 with upgrades, or HTTP/2), and once
/// the workers are told to finish, closes it when what is under way is answered. One taken
/// less than the time they are given for a first request gets until then to bring it.
async fn serve<S: Serves>(
    stream: TcpStream,
    service: WithPeer<S>,
    mut finishing: watch::Receiver<Option<Duration>>,
    _open: Open,
) {
    let builder = auto::Builder::new(TokioExecutor::new());
    let mut connection =
        pin!(builder.serve_connection_with_upgrades(
            TokioIo::new(stream),
            TowerToHyperService::new(service)
        ));
    // Counted from the connection's first poll, and set once the workers are told to finish.
    let taken = tokio::time::Instant::now();
    let mut first_request = pin!(tokio::time::sleep_until(taken));
    let (mut told, mut closing) = (false, false);
    loop {
        tokio::select! {
            biased;
            result = connection.as_mut() => {
                if let Err(e) = result {
                    tracing::trace!(error = %e, "connection ended with an error");
                }
                return;
            }
            // A dropped sender means the same, with no time for a first request.
            finish = finishing.wait_for(Option::is_some), if !told => {
                told = true;
                let grace = finish.ok().and_then(|grace| *grace).unwrap_or_default();
                first_request.as_mut().reset(taken + grace.min(LONGEST_FIRST_REQUEST));
            }
            () = &mut first_request, if told && !closing => {
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The service a connection's requests go to: `service`, with the peer's address in each
/// request's extensions (`ConnectInfo`, where axum puts it) and the body as axum's.
#[derive(Clone)]
struct WithPeer<S> {
    service: S,
    peer: SocketAddr,
}

impl<S, B> Service<Request<B>> for WithPeer<S>
where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
    B: http_body::Body<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.service.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(self.peer));
        self.service.call(request)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::Router;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    use tokio::sync::Notify;

    use super::*;

    /// Sends `request` and reads one answer: its head and its body, by its length.
    async fn exchange(stream: &mut TcpStream, request: &str) -> (String, String) {
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut read = Vec::new();
        let mut buffer = [0u8; 1024];
        loop {
            if let Some(end) = read.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8(read[..end].to_vec())
                    .unwrap()
                    .to_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length: "))
                    .unwrap()
                    .parse()
                    .unwrap();
                if read.len() >= end + 4 + length {
                    let body = String::from_utf8(read[end + 4..end + 4 + length].to_vec());
                    return (head, body.unwrap());
                }
            }
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0, "closed before the answer: {read:?}");
            read.extend_from_slice(&buffer[..n]);
        }
    }

    #[tokio::test]
    async fn a_worker_serves_a_connection_with_its_peer_and_finishes_the_requests_under_way() {
        let started = Arc::new(Notify::new());
        let go = Arc::new(Notify::new());
        let router = Router::new()
            .route(
                "/peer",
                get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() }),
            )
            .route(
                "/slow",
                get({
                    let (started, go) = (started.clone(), go.clone());
                    move || async move {
                        started.notify_one();
                        go.notified().await;
                        "done"
                    }
                }),
            );
        let mut workers = Workers::start(2, || router.clone()).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connect = || async {
            let client = TcpStream::connect(addr).await.unwrap();
            let (server, peer) = listener.accept().await.unwrap();
            (client, server, peer)
        };

        // Two connections, one to each worker in turn; each request sees its own peer.
        let (mut idle, server, peer) = connect().await;
        workers.hand(server, peer);
        let (mut busy, server, peer) = connect().await;
        workers.hand(server, peer);
        for client in [&mut idle, &mut busy] {
            let (head, body) = exchange(client, "GET /peer HTTP/1.1\r\nhost: a\r\n\r\n").await;
            assert!(head.starts_with("http/1.1 200"), "{head}");
            assert_eq!(body, client.local_addr().unwrap().to_string());
        }

        // Told to finish while a request is under way: that request is answered in full,
        // its connection then closes, and so does the idle one (each once its first request's
        // window is over).
        busy.write_all(b"GET /slow HTTP/1.1\r\nhost: a\r\n\r\n")
            .await
            .unwrap();
        started.notified().await;
        let finished = tokio::spawn(async move {
            workers.finish(Duration::from_millis(1500)).await;
            workers
        });
        // A bound, so that a connection left open fails the test rather than hanging it.
        const WITHIN: std::time::Duration = std::time::Duration::from_secs(10);
        let mut rest = Vec::new();
        let closed = tokio::time::timeout(WITHIN, idle.read_to_end(&mut rest)).await;
        assert_eq!(closed.expect("the idle one closes").unwrap(), 0);
        go.notify_one();
        let (head, body) = exchange(&mut busy, "").await;
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert_eq!(body, "done");
        let closed = tokio::time::timeout(WITHIN, busy.read_to_end(&mut rest)).await;
        assert_eq!(closed.expect("the busy one closes").unwrap(), 0);
        let finished = tokio::time::timeout(WITHIN, finished).await;
        finished.expect("every connection closed").unwrap();
    }

    /// One worker answering "answered" at `/`, and a connection it has just taken.
    async fn one_worker_with_a_connection() -> (Workers, TcpStream) {
        let router = Router::new().route("/", get(|| async { "answered" }));
        let mut workers = Workers::start(1, || router.clone()).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, peer) = listener.accept().await.unwrap();
        workers.hand(server, peer);
        (workers, client)
    }

    #[tokio::test]
    async fn a_connection_taken_as_the_service_stops_still_gets_its_first_request_answered() {
        let (mut workers, mut client) = one_worker_with_a_connection().await;

        // Told to finish before the request is even sent: still open a while into its time,
        // which a connection closed unread would not be.
        workers
            .finish
            .send(Some(Duration::from_millis(1500)))
            .unwrap();
        let mut first = [0u8; 1];
        let closed = tokio::time::timeout(Duration::from_millis(300), client.peek(&mut first));
        assert!(closed.await.is_err(), "closed before its first request");
        let (head, body) = exchange(&mut client, "GET / HTTP/1.1\r\nhost: a\r\n\r\n").await;
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert_eq!(body, "answered");
        let finished = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            workers.finish(Duration::from_millis(1500)),
        );
        finished.await.expect("the connection closed once answered");
        let mut rest = Vec::new();
        assert_eq!(client.read_to_end(&mut rest).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn with_no_time_for_a_first_request_a_connection_that_sent_nothing_is_closed() {
        let (mut workers, mut client) = one_worker_with_a_connection().await;

        // Within a second: sooner than any time a connection is given otherwise (1.5 s).
        let finished = tokio::time::timeout(Duration::from_secs(1), workers.finish(Duration::ZERO));
        finished.await.expect("the idle connection closed at once");
        let mut rest = Vec::new();
        assert_eq!(client.read_to_end(&mut rest).await.unwrap(), 0);
    }
}
