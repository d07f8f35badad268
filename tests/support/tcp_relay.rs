//! A TCP relay that can be cut and restored: a database that goes away and comes back.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinSet;

pub struct TcpRelay {
    pub port: u16,
    up: Arc<AtomicBool>,
    connections: Arc<Mutex<JoinSet<()>>>,
}

impl TcpRelay {
    pub async fn start(upstream: String) -> TcpRelay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(Mutex::new(JoinSet::new()));
        tokio::spawn({
            let up = up.clone();
            let connections = connections.clone();
            async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    if !up.load(Ordering::SeqCst) {
                        continue; // dropped: the connection closes at once
                    }
                    let upstream = upstream.clone();
                    connections.lock().await.spawn(async move {
                        if let Ok(mut outbound) = TcpStream::connect(&upstream).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                }
            }
        });
        TcpRelay {
            port,
            up,
            connections,
        }
    }

    /// Drops every open connection and refuses new ones.
    pub async fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.connections.lock().await.abort_all();
    }

    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}
