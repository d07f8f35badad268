//! A real nginx for the tests that put one in front: run as this test's own process, in a
//! directory of its own, with a server block the test writes.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

fn binary() -> String {
    ["nginx", "/usr/sbin/nginx", "/sbin/nginx"]
        .into_iter()
        .find(|candidate| {
            std::process::Command::new(candidate)
                .arg("-v")
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .expect("nginx is needed for this test: install the Debian package nginx-light")
        .to_owned()
}

/// Starts nginx with `server` (one or more server blocks, listening on `port`) in a minimal
/// nginx.conf under `dir`, and waits until `port` accepts. Stopped when the child drops.
pub async fn start(dir: &Path, server: &str, port: u16) -> Child {
    let d = dir.display();
    let conf = format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{}}\nhttp {{\n access_log {d}/access.log;\n client_body_temp_path {d};\n \
         proxy_temp_path {d};\n fastcgi_temp_path {d};\n uwsgi_temp_path {d};\n scgi_temp_path {d};\n \
         types {{ text/html html; text/css css; application/javascript js; application/json json; }}\n\
         {server}\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let mut child = Command::new(binary())
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start nginx");
    // nginx says nothing when it is ready; wait until its port accepts, with a deadline.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        // Exited (its port taken, a bad configuration): said now, not after the deadline.
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "nginx exited ({status}): {}",
                std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
            );
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "nginx did not start: {}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child
}
