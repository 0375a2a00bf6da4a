//! Stoplight Prism mock servers, as the conformance test and `cargo xtask verify` use them:
//! checking the pinned install, starting one per document and mode on a free loopback port,
//! waiting until it listens, capturing its log line by line, and stopping it on drop (and, through
//! a watchdog preloaded into Node, when the process that started it goes away).
//!
//! Failures are returned as messages that say what to do; callers decide whether to panic.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

mod servable;

pub use servable::{IGNORED_HEADERS, OPERATION_KEYS, servable_spec, with_only_operations};

/// Prism's heap limit, in MiB.
const HEAP_MB: u32 = 2048;

/// The longest wait for a Prism server to listen, for the documents of this repository.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// How Prism answers: with the spec's examples (static) or with random, schema-valid data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `prism mock`: examples, or a fixed value built from the schema.
    Static,
    /// `prism mock -d`: values generated from the schema.
    Dynamic,
}

impl Mode {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Static => "static",
            Mode::Dynamic => "dynamic",
        }
    }
}

/// The pinned Prism install.
#[derive(Debug, Clone)]
pub struct Install {
    /// `node_modules/.bin/prism`.
    pub bin: PathBuf,
    /// The version of `@stoplight/prism-cli` found in `node_modules`.
    pub version: String,
}

/// Finds the pinned Prism under `root` (the checkout), running `npm ci` first when
/// `node_modules` lacks it; fails with the command that fixes it when Node or Prism is missing
/// or the installed version is not the pinned one.
pub fn check_install(root: &Path) -> Result<Install, String> {
    let fix = format!(
        "run `npm ci` in {} (it installs the Prism version pinned in package.json / package-lock.json)",
        root.display()
    );
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            return Err(format!(
                "`node --version` failed ({}): {}\nInstall Node.js 18+ and {fix}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Err(e) => {
            return Err(format!(
                "Node.js is not on PATH ({e}). Install Node.js 18+ and {fix}"
            ));
        }
    }
    let package_json = read_json(&root.join("package.json"))?;
    let pinned = package_json["devDependencies"]["@stoplight/prism-cli"]
        .as_str()
        .ok_or("package.json does not pin @stoplight/prism-cli")?
        .to_string();
    let bin = root.join("node_modules/.bin/prism");
    let installed_manifest = root.join("node_modules/@stoplight/prism-cli/package.json");
    if !(bin.exists() && installed_manifest.exists()) {
        // A fresh machine: install the pinned tools from the lockfile (npm registry only).
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(root)
            .status();
        if !status.as_ref().is_ok_and(|s| s.success()) {
            return Err(format!("`npm ci` failed ({status:?}); {fix}"));
        }
    }
    if !(bin.exists() && installed_manifest.exists()) {
        return Err(format!(
            "Prism is not installed: {} is missing; {fix}",
            bin.display()
        ));
    }
    let version = read_json(&installed_manifest)?["version"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if version != pinned {
        return Err(format!(
            "node_modules holds @stoplight/prism-cli {version}, but package.json pins {pinned}; {fix}"
        ));
    }
    Ok(Install { bin, version })
}

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

/// `n` distinct free loopback ports (all bound at once, then released for Prism to take).
pub fn free_ports(n: usize) -> Result<Vec<u16>, String> {
    let listeners = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("no free loopback port: {e}"))?;
    listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("no free loopback port: {e}"))
}

type Log = Arc<Mutex<Vec<String>>>;

/// What a Prism process does.
#[derive(Debug, Clone)]
enum Kind {
    /// `prism mock`.
    Mock(Mode),
    /// `prism proxy` to this upstream URL: requests are validated and forwarded, and the
    /// upstream's answers are validated.
    Proxy(String),
}

/// One running `prism mock`. Killed (and reaped) when dropped.
pub struct Prism {
    /// A name for messages (`teams/static`).
    pub name: String,
    /// The document Prism serves.
    pub spec: PathBuf,
    /// Where it listens.
    pub port: u16,
    bin: PathBuf,
    kind: Kind,
    extra_args: Vec<String>,
    child: Child,
    /// Held open for the watchdog (`prism-watchdog.cjs`): closing it makes Prism exit.
    stdin: Option<ChildStdin>,
    log: Log,
}

impl Prism {
    /// Starts `prism mock <spec> -h 127.0.0.1 -p <port> --errors [-d]` without waiting for it.
    ///
    /// `--errors` turns a *response* violation (a mocked answer that does not match its own
    /// schema) into a 500 problem answer. Request violations are always reported, as the
    /// `sl-violations` header, a 400/422 answer and `Violation:` lines in the log.
    pub fn start(
        install: &Install,
        name: &str,
        spec: &Path,
        port: u16,
        mode: Mode,
    ) -> Result<Prism, String> {
        Self::start_with(install, name, spec, port, mode, &[])
    }

    /// [`Prism::start`] with more arguments (`--seed verify`).
    pub fn start_with(
        install: &Install,
        name: &str,
        spec: &Path,
        port: u16,
        mode: Mode,
        extra_args: &[&str],
    ) -> Result<Prism, String> {
        Self::launch(install, name, spec, port, Kind::Mock(mode), extra_args)
    }

    /// Starts `prism proxy <spec> <upstream> -h 127.0.0.1 -p <port> --errors`: every request is
    /// validated and forwarded to `upstream`, and every answer from there is validated against
    /// the document (a violation becomes a 500 problem answer, with `sl-violations`).
    pub fn start_proxy(
        install: &Install,
        name: &str,
        spec: &Path,
        port: u16,
        upstream: &str,
    ) -> Result<Prism, String> {
        Self::launch(
            install,
            name,
            spec,
            port,
            Kind::Proxy(upstream.to_string()),
            &[],
        )
    }

    fn launch(
        install: &Install,
        name: &str,
        spec: &Path,
        port: u16,
        kind: Kind,
        extra_args: &[&str],
    ) -> Result<Prism, String> {
        let log = Arc::new(Mutex::new(Vec::new()));
        let extra_args: Vec<String> = extra_args.iter().map(|a| a.to_string()).collect();
        let (child, stdin) = spawn(&install.bin, spec, port, &kind, &extra_args, &log)?;
        Ok(Prism {
            name: name.to_string(),
            spec: spec.to_path_buf(),
            port,
            bin: install.bin.clone(),
            kind,
            extra_args,
            child,
            stdin,
            log,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until Prism says it listens on its port and the port accepts connections; fails
    /// with its output when it exits or is not ready before `deadline`. When the port was
    /// taken in the meantime (`EADDRINUSE`), starts again on another free port (twice at most).
    pub fn wait_until_listening(&mut self, deadline: Instant) -> Result<(), String> {
        let started = Instant::now();
        let mut restarts = 0;
        loop {
            let exited = self
                .child
                .try_wait()
                .map_err(|e| format!("cannot poll Prism {}: {e}", self.name))?;
            if let Some(status) = exited {
                thread::sleep(Duration::from_millis(200)); // let the readers drain the pipes
                let port_taken = self.log().iter().any(|l| l.contains("EADDRINUSE"));
                if port_taken && restarts < 2 {
                    restarts += 1;
                    self.port = free_ports(1)?.first().copied().unwrap_or(self.port);
                    self.log
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .clear();
                    let (child, stdin) = spawn(
                        &self.bin,
                        &self.spec,
                        self.port,
                        &self.kind,
                        &self.extra_args,
                        &self.log,
                    )?;
                    self.child = child;
                    self.stdin = stdin;
                    continue;
                }
                return Err(format!(
                    "Prism {} exited ({status}) before listening on port {}.\n{}",
                    self.name,
                    self.port,
                    self.output_tail(60)
                ));
            }
            let announced = format!("Prism is listening on http://127.0.0.1:{}", self.port);
            let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
            if self.log().iter().any(|l| l.contains(&announced))
                && TcpStream::connect_timeout(&addr, Duration::from_millis(250)).is_ok()
            {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "Prism {} did not listen on port {} within {:?}.\n{}",
                    self.name,
                    self.port,
                    started.elapsed(),
                    self.output_tail(60)
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Every log line so far (stdout and stderr, stderr lines prefixed).
    pub fn log(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The complete log of every request answered so far. Prism handles and logs requests in
    /// order, so a sentinel request (to a path no spec has) is sent, and once its last line is
    /// logged every earlier line is too; the log before the sentinel is returned.
    pub fn flush_log(&self) -> Result<Vec<String>, String> {
        const SENTINEL: &str = "/__conformance_log_sentinel__";
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let sent =
            TcpStream::connect_timeout(&addr, Duration::from_secs(5)).and_then(|mut stream| {
                stream.set_read_timeout(Some(Duration::from_secs(10)))?;
                write!(
                    stream,
                    "GET {SENTINEL} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )?;
                let mut answer = Vec::new();
                stream.read_to_end(&mut answer).map(|_| ())
            });
        if let Err(e) = sent {
            return Err(format!(
                "cannot send the log sentinel to Prism {}: {e}\n{}",
                self.name,
                self.output_tail(40)
            ));
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let log = self.log();
            let done = log
                .iter()
                .any(|l| l.contains(SENTINEL) && l.contains("Request terminated"));
            if done {
                let start = log
                    .iter()
                    .position(|l| l.contains(SENTINEL) && is_request_start(l))
                    .unwrap_or(log.len());
                return Ok(log[..start].to_vec());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "Prism {} did not log the sentinel request within 10 s\n{}",
                    self.name,
                    self.output_tail(40)
                ));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// The last `n` lines of output, for failure messages.
    pub fn output_tail(&self, n: usize) -> String {
        let log = self.log();
        let start = log.len().saturating_sub(n);
        format!(
            "--- last {} line(s) of Prism output ({} stdout+stderr) ---\n{}",
            log.len() - start,
            self.spec.display(),
            log[start..].join("\n")
        )
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

/// The watchdog preloaded into every Prism: it exits when its stdin closes.
fn watchdog() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("prism-watchdog.cjs")
}

/// Spawns Prism with its output going to `log` and its stdin held for the watchdog.
fn spawn(
    bin: &Path,
    spec: &Path,
    port: u16,
    kind: &Kind,
    extra_args: &[String],
    log: &Log,
) -> Result<(Child, Option<ChildStdin>), String> {
    // A bounded heap: on documents whose answers Prism cannot generate, it runs out of memory
    // in seconds rather than after minutes of collecting garbage.
    let node_options = format!(
        "{} --max-old-space-size={HEAP_MB} --require \"{}\"",
        std::env::var("NODE_OPTIONS").unwrap_or_default(),
        watchdog().display()
    );
    let mut command = Command::new(bin);
    match kind {
        Kind::Mock(_) => command.arg("mock").arg(spec),
        Kind::Proxy(upstream) => command.arg("proxy").arg(spec).arg(upstream),
    };
    command
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "--errors"])
        .args(extra_args)
        .env("NODE_OPTIONS", node_options.trim_start())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if matches!(kind, Kind::Mock(Mode::Dynamic)) {
        command.arg("-d");
    }
    let mut child = command.spawn().map_err(|e| {
        format!(
            "cannot start {} ({e}); run `npm ci` to install the pinned Prism",
            bin.display()
        )
    })?;
    let stdin = child.stdin.take();
    if let Some(stdout) = child.stdout.take() {
        spawn_reader(stdout, "", Arc::clone(log));
    }
    if let Some(stderr) = child.stderr.take() {
        spawn_reader(stderr, "stderr: ", Arc::clone(log));
    }
    Ok((child, stdin))
}

impl Drop for Prism {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first log line Prism writes for each HTTP request it receives.
pub fn is_request_start(line: &str) -> bool {
    line.contains("[HTTP SERVER]") && line.contains("Request received")
}

fn spawn_reader(pipe: impl Read + Send + 'static, prefix: &'static str, log: Log) {
    thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = strip_ansi(String::from_utf8_lossy(&buf).trim_end());
                    log.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(format!("{prefix}{line}"));
                }
            }
        }
    });
}

/// Removes ANSI colour sequences (Prism colours its output when it thinks it has a terminal).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_codes_are_removed() {
        assert_eq!(strip_ansi("\u{1b}[32mok\u{1b}[39m done"), "ok done");
    }

    #[test]
    fn free_ports_are_distinct() {
        let ports = free_ports(3).expect("ports");
        assert!(ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2]);
    }
}
