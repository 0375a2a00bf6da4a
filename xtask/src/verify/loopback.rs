//! A plain loopback HTTP server. For documents Prism cannot serve, it reads each request whole
//! and answers `200` with an empty JSON object, so that the smoke tests still build, encode and
//! send every request; it validates nothing. Behind a Prism proxy it gives the answers made up
//! for some operations (matched by method and path template), which Prism then validates.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

/// A made-up answer to one operation.
#[derive(Debug, Clone)]
pub struct Answer {
    pub method: String,
    /// The operation's path template (`/users/{id}`).
    pub template: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Answer {
    /// Whether a request line's method and path are this operation's.
    fn matches(&self, method: &str, path: &str) -> bool {
        let path = path.split('?').next().unwrap_or_default();
        let wanted: Vec<&str> = self.template.split('/').collect();
        let got: Vec<&str> = path.split('/').collect();
        method.eq_ignore_ascii_case(&self.method)
            && wanted.len() == got.len()
            && wanted.iter().zip(&got).all(|(w, g)| segment_matches(w, g))
    }

    /// How many of the template's segments are literal: OpenAPI matches concrete paths
    /// before templated ones (`/workflows/actions` before `/workflows/{id}`).
    fn literal_segments(&self) -> usize {
        self.template
            .split('/')
            .filter(|s| !s.contains('{'))
            .count()
    }

    fn http(&self) -> Vec<u8> {
        let reason = if (200..300).contains(&self.status) {
            "OK"
        } else {
            "Answer"
        };
        let mut head = format!(
            "HTTP/1.1 {} {reason}\r\ncontent-length: {}\r\n",
            self.status,
            self.body.len()
        );
        if let Some(ct) = &self.content_type {
            head.push_str(&format!("content-type: {ct}\r\n"));
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

/// The answer of the operation a request is for: of those whose method and template match,
/// the most concrete.
fn answer_for<'a>(answers: &'a [Answer], method: &str, target: &str) -> Option<&'a Answer> {
    answers
        .iter()
        .filter(|a| a.matches(method, target))
        .rev()
        .max_by_key(|a| a.literal_segments())
}

/// A template segment (`{id}`, `{name}.json`, `users`) against a path segment.
fn segment_matches(template: &str, segment: &str) -> bool {
    match (template.find('{'), template.rfind('}')) {
        (Some(open), Some(close)) if open < close => {
            let (prefix, suffix) = (&template[..open], &template[close + 1..]);
            segment.len() > prefix.len() + suffix.len()
                && segment.starts_with(prefix)
                && segment.ends_with(suffix)
        }
        _ => template == segment,
    }
}

/// A running loopback server; stopped when dropped.
pub struct Loopback {
    pub port: u16,
    stop: Arc<AtomicBool>,
    /// `METHOD target` of every request received.
    received: Arc<Mutex<Vec<String>>>,
}

impl Loopback {
    /// Starts the server: requests of `answers`' operations get theirs, any other `200 {}`.
    pub fn start(answers: Vec<Answer>) -> Result<Loopback, String> {
        let answers = Arc::new(answers);
        let listener = TcpListener::bind("127.0.0.1:0")
            .map_err(|e| format!("cannot bind a loopback port: {e}"))?;
        let port = listener
            .local_addr()
            .map_err(|e| format!("no local address: {e}"))?
            .port();
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot configure the loopback server: {e}"))?;
        let stop = Arc::new(AtomicBool::new(false));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (stop_flag, log) = (Arc::clone(&stop), Arc::clone(&received));
        thread::spawn(move || {
            while !stop_flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let log = Arc::clone(&log);
                        let answers = Arc::clone(&answers);
                        thread::spawn(move || serve(stream, &log, &answers));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Ok(Loopback {
            port,
            stop,
            received,
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// How many requests arrived.
    pub fn received(&self) -> usize {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Reads requests from one connection (keep-alive) and answers each.
fn serve(stream: TcpStream, log: &Mutex<Vec<String>>, answers: &[Answer]) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        match reader.read_line(&mut request_line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let mut content_length = 0usize;
        let mut chunked = false;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            let lower = header.to_ascii_lowercase();
            if let Some(value) = lower.strip_prefix("content-length:") {
                content_length = value.trim().parse().unwrap_or(0);
            }
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
        }
        let body_read = if chunked {
            read_chunked(&mut reader)
        } else {
            let mut body = vec![0; content_length];
            reader.read_exact(&mut body).is_ok()
        };
        if !body_read {
            return;
        }
        log.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request_line.trim_end().to_string());
        let mut parts = request_line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let answer = match answer_for(answers, method, target) {
            Some(answer) => answer.http(),
            None => {
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
                    .to_vec()
            }
        };
        if writer.write_all(&answer).is_err() {
            return;
        }
    }
}

fn read_chunked(reader: &mut impl BufRead) -> bool {
    loop {
        let mut size_line = String::new();
        if reader.read_line(&mut size_line).unwrap_or(0) == 0 {
            return false;
        }
        let size = usize::from_str_radix(size_line.trim().split(';').next().unwrap_or("0"), 16)
            .unwrap_or(0);
        let mut chunk = vec![0; size + 2];
        if reader.read_exact(&mut chunk).is_err() {
            return false;
        }
        if size == 0 {
            return true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Answer, answer_for};

    fn answer(template: &str, status: u16) -> Answer {
        Answer {
            method: "GET".into(),
            template: template.into(),
            status,
            content_type: None,
            body: Vec::new(),
        }
    }

    #[test]
    fn a_request_gets_the_answer_of_the_most_concrete_template() {
        // PagerDuty: `GET /incident_workflows/{id}` answers 201, and took the requests of
        // `GET /incident_workflows/actions`, which documents no 201.
        for answers in [
            vec![answer("/w/{id}", 201), answer("/w/actions", 200)],
            vec![answer("/w/actions", 200), answer("/w/{id}", 201)],
        ] {
            let status = |target| answer_for(&answers, "GET", target).map(|a| a.status);
            assert_eq!(status("/w/actions?limit=1"), Some(200));
            assert_eq!(status("/w/abc"), Some(201));
            assert_eq!(status("/w/abc/more"), None);
        }
        let twins = [answer("/x/{a}", 200), answer("/x/{b}", 204)];
        assert_eq!(
            answer_for(&twins, "GET", "/x/1").map(|a| a.status),
            Some(200)
        );
    }
}
