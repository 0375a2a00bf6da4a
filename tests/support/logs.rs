//! Capturing `tracing` output in tests that run in parallel.
//!
//! A thread-local subscriber (`tracing::subscriber::set_default`) races with tests on other
//! threads: a callsite first hit where no subscriber listens may cache "never interested" and
//! drop the events of a test that does listen. One global subscriber, installed once and
//! interested in everything, avoids that; it writes each event into the buffer of the capture
//! open on the thread that emitted it (tests run on a current-thread runtime, so the client's
//! events are emitted on the test's thread).

use std::cell::RefCell;
use std::sync::{Arc, Mutex, Once};

thread_local! {
    static CURRENT: RefCell<Option<Arc<Mutex<Vec<u8>>>>> = const { RefCell::new(None) };
}

/// The logs of one test, captured while this value lives.
pub struct Capture {
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl Capture {
    /// Everything logged on this thread since the capture started.
    pub fn text(&self) -> String {
        let bytes = self.buffer.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        CURRENT.with(|c| c.borrow_mut().take());
    }
}

/// Starts capturing the `tracing` output of this thread, at every level.
pub fn capture() -> Capture {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
            .with_writer(|| ThreadWriter)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .unwrap_or_else(|e| panic!("another global tracing subscriber is set: {e}"));
    });
    let buffer = Arc::new(Mutex::new(Vec::new()));
    CURRENT.with(|c| *c.borrow_mut() = Some(buffer.clone()));
    Capture { buffer }
}

/// Writes into the capture of the current thread, if one is open.
struct ThreadWriter;

impl std::io::Write for ThreadWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CURRENT.with(|c| {
            if let Some(buffer) = c.borrow().as_ref() {
                if let Ok(mut b) = buffer.lock() {
                    b.extend_from_slice(buf);
                }
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
