//! `sitrep serve` over a real socket: the end-to-end page test in headless Chromium
//! (`tests/browser/e2e.mjs`, run when Chromium, node and the npm packages are present), and
//! ingest over HTTP with the token.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

fn sitrep() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sitrep"));
    c.current_dir(root());
    c
}

/// Why the browser test cannot run here, if it cannot.
fn browser_missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!(
            "{chromium} not found (apt-get install -y chromium)"
        ));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node not found".into());
    }
    if !root()
        .join("tests/browser/node_modules/playwright-core")
        .is_dir()
    {
        return Some("playwright-core not installed (npm ci --prefix tests/browser)".into());
    }
    None
}

#[test]
fn page_in_headless_chromium() {
    if let Some(why) = browser_missing() {
        eprintln!("note: skipping the browser test: {why}");
        return;
    }
    let artifacts = root().join("target/browser");
    let out = Command::new("node")
        .arg("tests/browser/e2e.mjs")
        .current_dir(root())
        .env("SITREP_BIN", env!("CARGO_BIN_EXE_sitrep"))
        .env("SITREP_ARTIFACTS", &artifacts)
        .output()
        .expect("node runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "browser test failed:\n{log}");
    eprint!("{log}");
    assert!(artifacts.join("sitrep-evidence.png").is_file());
}

/// A running `sitrep serve`, stopped on drop.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(db: &Path, extra: &[&str], token: Option<&str>) -> Self {
        let mut cmd = sitrep();
        cmd.args(["serve", "--db"])
            .arg(db)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(t) = token {
            cmd.env("SITREP_TOKEN", t);
        }
        let mut child = cmd.spawn().expect("sitrep serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("http://").nth(1) {
                    let _ = tx.send(rest.split('/').next().unwrap_or("").to_string());
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("sitrep serve prints its address");
        Self { child, addr }
    }

    /// One HTTP/1.1 request; returns the status and the body.
    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            req += &format!("{k}: {v}\r\n");
        }
        req += "\r\n";
        s.write_all(req.as_bytes()).expect("write");
        s.write_all(body.as_bytes()).expect("write body");
        let mut raw = String::new();
        s.read_to_string(&mut raw).expect("read");
        let status = raw
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = raw
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_string();
        (status, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[test]
fn ingest_over_http_needs_flag_and_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("sitrep.db");
    let st = sitrep()
        .args([
            "ingest",
            "tests/browser/fixtures/hostile.jsonl",
            "--quiet",
            "--db",
        ])
        .arg(&db)
        .status()
        .expect("ingest");
    assert!(st.success());
    let doc = r#"{"id": "http-ingest-1", "published": "2014-06-25", "title": "Shelling in Ramadi", "text": "Army artillery shelled militant positions in Ramadi on Tuesday, killing seven fighters, officials said."}"#;

    // Read-only by default: writes are refused, reads work, the Host is checked.
    let ro = Server::start(&db, &[], None);
    let (status, body) = ro.request("POST", "/api/ingest", &[], doc);
    assert_eq!(status, 403, "{body}");
    let (status, _) = ro.request("GET", "/api/meta", &[], "");
    assert_eq!(status, 200);
    drop(ro);

    let token = "a-long-enough-test-token";
    let rw = Server::start(&db, &["--allow-ingest"], Some(token));
    let (status, body) = rw.request(
        "POST",
        "/api/ingest",
        &[("Authorization", "Bearer nope")],
        doc,
    );
    assert_eq!(status, 401, "{body}");
    let auth = format!("Bearer {token}");
    let (status, body) = rw.request("POST", "/api/ingest", &[("Authorization", &auth)], doc);
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["exit_status"], 0, "{body}");
    let (_, body) = rw.request("GET", "/api/documents/http-ingest-1", &[], "");
    assert_eq!(json(&body)["title"], "Shelling in Ramadi");
    let (_, body) = rw.request("GET", "/api/meta", &[], "");
    assert_eq!(json(&body)["counts"]["documents"], 2);

    // Too short a token, or the flag without one, is refused at start.
    let out = sitrep()
        .args(["serve", "--allow-ingest", "--db"])
        .arg(&db)
        .env("SITREP_TOKEN", "short")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = sitrep()
        .args(["serve", "--allow-ingest", "--db"])
        .arg(&db)
        .env_remove("SITREP_TOKEN")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let out = sitrep()
        .args(["serve", "--db"])
        .arg(dir.path().join("missing.db"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no store at"));
}
