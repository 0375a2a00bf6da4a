//! Stoplight Prism mock servers: checking the pinned install, starting one per spec and mode,
//! waiting until it listens, capturing its log line by line, and killing it on drop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The longest wait for a Prism server to listen.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// How Prism answers: with the spec's examples (static) or with random, schema-valid data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `prism mock`: examples, or a fixed value built from the schema.
    Static,
    /// `prism mock -d`: random values generated from the schema on every request.
    Dynamic,
}

impl Mode {
    /// The name used in the report.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Static => "static",
            Mode::Dynamic => "dynamic",
        }
    }
}

/// The pinned Prism install, checked once.
#[derive(Debug, Clone)]
pub struct Install {
    /// `node_modules/.bin/prism`.
    pub bin: PathBuf,
    /// The version of `@stoplight/prism-cli` found in `node_modules`.
    pub version: String,
}

/// Fails (never skips) when Node or the pinned Prism is missing, with the command that fixes it.
pub fn check_install(root: &Path) -> Install {
    let fix = format!(
        "run `npm ci` in {} (it installs the Prism version pinned in package.json / package-lock.json)",
        root.display()
    );
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "`node --version` failed ({}): {}\nInstall Node.js 18+ and {fix}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!("Node.js is not on PATH ({e}). Install Node.js 18+ and {fix}"),
    }
    let package_json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("package.json")).expect("package.json is readable"),
    )
    .expect("package.json is JSON");
    let pinned = package_json["devDependencies"]["@stoplight/prism-cli"]
        .as_str()
        .expect("package.json pins @stoplight/prism-cli")
        .to_string();
    let bin = root.join("node_modules/.bin/prism");
    let installed_manifest = root.join("node_modules/@stoplight/prism-cli/package.json");
    if !(bin.exists() && installed_manifest.exists()) {
        // The README's test command works on a fresh machine: install the pinned tools from the
        // lockfile (npm registry only), as `.ci/run` does.
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(root)
            .status();
        assert!(
            status.as_ref().is_ok_and(|s| s.success()),
            "`npm ci` failed ({status:?}); {fix}"
        );
    }
    assert!(
        bin.exists() && installed_manifest.exists(),
        "Prism is not installed: {} is missing; {fix}",
        bin.display()
    );
    let installed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&installed_manifest).expect("Prism's package.json is readable"),
    )
    .expect("Prism's package.json is JSON");
    let version = installed["version"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        version, pinned,
        "node_modules holds @stoplight/prism-cli {version}, but package.json pins {pinned}; {fix}"
    );
    Install { bin, version }
}

/// `n` distinct free local ports (all bound at once, then released for Prism to take).
pub fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("a free local port"))
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().expect("bound address").port())
        .collect()
}

/// One running `prism mock`. Killed (and reaped) when dropped, whatever the test's outcome.
pub struct Prism {
    /// `teams/static`, for messages.
    pub name: String,
    /// The spec file Prism serves.
    pub spec: PathBuf,
    /// Where it listens.
    pub port: u16,
    bin: PathBuf,
    mode: Mode,
    child: Child,
    /// Held open for the watchdog (`prism-watchdog.cjs`): closing it makes Prism exit.
    stdin: Option<ChildStdin>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Prism {
    /// Starts `prism mock <spec> -h 127.0.0.1 -p <port> --errors [-d]` without waiting for it.
    ///
    /// `--errors` turns a *response* violation (a mocked answer that does not match its own
    /// schema) into a 500 problem response. Request violations are always reported, as the
    /// `sl-violations` header, a 400/422 answer and `Violation:` lines in the log.
    pub fn start(install: &Install, name: &str, spec: &Path, port: u16, mode: Mode) -> Prism {
        let log = Arc::new(Mutex::new(Vec::new()));
        let (child, stdin) = spawn(&install.bin, spec, port, mode, &log);
        Prism {
            name: name.to_string(),
            spec: spec.to_path_buf(),
            port,
            bin: install.bin.clone(),
            mode,
            child,
            stdin,
            log,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until Prism says it listens on its port and the port accepts connections; fails
    /// with its output when it exits or is not ready before `deadline`. When the port was
    /// taken in the meantime (`EADDRINUSE`), starts again on another free port (twice at most).
    pub fn wait_until_listening(&mut self, deadline: Instant) {
        let mut restarts = 0;
        loop {
            if let Some(status) = self.child.try_wait().expect("can poll the Prism process") {
                thread::sleep(Duration::from_millis(200)); // let the readers drain the pipes
                let port_taken = self.log().iter().any(|l| l.contains("EADDRINUSE"));
                if port_taken && restarts < 2 {
                    restarts += 1;
                    self.port = free_ports(1)[0];
                    self.log.lock().expect("log lock").clear();
                    let (child, stdin) =
                        spawn(&self.bin, &self.spec, self.port, self.mode, &self.log);
                    self.child = child;
                    self.stdin = stdin;
                    continue;
                }
                panic!(
                    "Prism {} exited ({status}) before listening on port {}.\n{}",
                    self.name,
                    self.port,
                    self.output_tail(60)
                );
            }
            let announced = format!("Prism is listening on http://127.0.0.1:{}", self.port);
            let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
            if self.log().iter().any(|l| l.contains(&announced))
                && TcpStream::connect_timeout(&addr, Duration::from_millis(250)).is_ok()
            {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "Prism {} did not listen on port {} within {:?}.\n{}",
                    self.name,
                    self.port,
                    STARTUP_TIMEOUT,
                    self.output_tail(60)
                );
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Every log line so far (stdout and stderr, stderr lines prefixed).
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log lock").clone()
    }

    /// The complete log of every request answered so far. Prism handles and logs requests in
    /// order, so a sentinel request (to a path no spec has) is sent, and once its last line is
    /// logged every earlier line is too; the log before the sentinel is returned.
    pub fn flush_log(&self) -> Vec<String> {
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
            panic!(
                "cannot send the log sentinel to Prism {}: {e}\n{}",
                self.name,
                self.output_tail(40)
            );
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
                return log[..start].to_vec();
            }
            assert!(
                Instant::now() < deadline,
                "Prism {} did not log the sentinel request within 10 s\n{}",
                self.name,
                self.output_tail(40)
            );
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
}

/// Spawns Prism with its output going to `log` and its stdin held for the watchdog.
fn spawn(
    bin: &Path,
    spec: &Path,
    port: u16,
    mode: Mode,
    log: &Arc<Mutex<Vec<String>>>,
) -> (Child, Option<ChildStdin>) {
    let watchdog = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/prism-watchdog.cjs");
    let node_options = format!(
        "{} --require \"{}\"",
        std::env::var("NODE_OPTIONS").unwrap_or_default(),
        watchdog.display()
    );
    let mut command = Command::new(bin);
    command
        .arg("mock")
        .arg(spec)
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "--errors"])
        .env("NODE_OPTIONS", node_options.trim_start())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if mode == Mode::Dynamic {
        command.arg("-d");
    }
    let mut child = command.spawn().unwrap_or_else(|e| {
        panic!(
            "cannot start {} ({e}); run `npm ci` to install the pinned Prism",
            bin.display()
        )
    });
    let stdin = child.stdin.take();
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    spawn_reader(stdout, "", Arc::clone(log));
    spawn_reader(stderr, "stderr: ", Arc::clone(log));
    (child, stdin)
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

fn spawn_reader(
    pipe: impl Read + Send + 'static,
    prefix: &'static str,
    log: Arc<Mutex<Vec<String>>>,
) {
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
                        .expect("log lock")
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

/// The spec Prism serves for `spec`: the file itself, or, when it declares a response media
/// type Prism 5 cannot produce, a copy under `out_dir` where only that media type is replaced.
///
/// Prism cannot serialize an object body for a response declared as `*/*` ("Cannot find
/// serializer for */*" without an `Accept` header, "Cannot serialise complex objects as text"
/// with `Accept: */*`, 406 with `Accept: application/json`). Such response media types become
/// `application/json` (schemas, statuses and request bodies are untouched; a `*/*` request
/// body is still validated against its schema). Returns the path and one line per change.
pub fn servable_spec(spec: &Path, out_dir: &Path) -> (PathBuf, Vec<String>) {
    let text = std::fs::read_to_string(spec).expect("spec is readable");
    let mut doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("spec is YAML");
    let mut changes = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_mapping_mut()) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_mapping_mut() else {
                continue;
            };
            for (method, operation) in item.iter_mut() {
                let Some(responses) = operation
                    .get_mut("responses")
                    .and_then(|r| r.as_mapping_mut())
                else {
                    continue;
                };
                for (status, response) in responses.iter_mut() {
                    let Some(content) =
                        response.get_mut("content").and_then(|c| c.as_mapping_mut())
                    else {
                        continue;
                    };
                    if let Some(media) = content.remove("*/*") {
                        content.insert("application/json".into(), media);
                        changes.push(format!(
                            "{} {} response {}: `*/*` served as `application/json`",
                            method.as_str().unwrap_or_default().to_uppercase(),
                            path.as_str().unwrap_or_default(),
                            yaml_key(status)
                        ));
                    }
                }
            }
        }
    }
    if changes.is_empty() {
        return (spec.to_path_buf(), changes);
    }
    std::fs::create_dir_all(out_dir).expect("can create the Prism spec directory");
    let out = out_dir.join(spec.file_name().expect("spec file name"));
    std::fs::write(&out, serde_yaml::to_string(&doc).expect("YAML serializes"))
        .expect("can write the spec copy");
    (out, changes)
}

fn yaml_key(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}
