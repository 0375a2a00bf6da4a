//! Request hooks: user functions that see, change or refuse each request before it is sent.

use std::fmt;
use std::sync::Arc;

/// The function a hook runs.
type HookFn = dyn Fn(&mut reqwest::Request) -> Result<(), HookError> + Send + Sync;

/// A function that sees (and may change) every request just before it is sent, after
/// credentials and headers are applied: for signing, logging or extra headers. Returning an
/// error stops the call with `Error::InvalidRequest`.
#[derive(Clone)]
pub(crate) struct RequestHook(Arc<HookFn>);

impl RequestHook {
    /// Wraps a hook function.
    pub(crate) fn new(
        hook: impl Fn(&mut reqwest::Request) -> Result<(), HookError> + Send + Sync + 'static,
    ) -> Self {
        Self(Arc::new(hook))
    }

    /// Runs the hook on a request.
    pub(crate) fn run(&self, request: &mut reqwest::Request) -> Result<(), HookError> {
        (self.0)(request)
    }
}

impl fmt::Debug for RequestHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequestHook")
    }
}

/// Why a request hook refused a request: a message (`"read-only mode".into()`) or any error
/// (`HookError::new(e)`). The call ends with `Error::InvalidRequest`, its reason
/// `InvalidRequest::RefusedByHook`.
#[derive(Debug)]
pub struct HookError(Box<dyn std::error::Error + Send + Sync>);

impl HookError {
    /// Wraps an error or a message.
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self(error.into())
    }

    /// The error the hook gave.
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for HookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl From<String> for HookError {
    fn from(message: String) -> Self {
        Self::new(message)
    }
}

impl From<&str> for HookError {
    fn from(message: &str) -> Self {
        Self::new(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hook_error_shows_what_the_hook_said() {
        let from_text: HookError = "read-only mode".into();
        assert_eq!(from_text.to_string(), "read-only mode");
        let io = std::io::Error::other("disk full");
        let from_error = HookError::new(io);
        assert_eq!(from_error.to_string(), "disk full");
        assert!(from_error.get_ref().is::<std::io::Error>());
    }
}
