//! Retries: which answers are worth another attempt, and how long to wait before it.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Statuses worth another attempt: the server says try later, or failed in passing.
const RETRYABLE_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    /// First backoff; each retry doubles it, with full jitter.
    pub initial_backoff: Duration,
    /// The longest pause between attempts, before jitter.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The pause before retry number `attempt` (1 for the first retry): exponential from
    /// `initial_backoff`, capped at `max_backoff`, scaled by `jitter` in `[0, 1)`.
    pub(crate) fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        // Full jitter: a uniformly random pause up to the cap spreads out retrying clients.
        exp.min(self.max_backoff).mul_f64(jitter.clamp(0.0, 1.0))
    }
}

/// Whether a response with this status is worth another attempt.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    RETRYABLE_STATUSES.contains(&status)
}

/// Parses `Retry-After` as seconds or an HTTP date, measured from `now`; a date in the past
/// means at once.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, retry_after.parse().unwrap());
        headers
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(
            retry_after(&headers("7"), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(retry_after(&headers(" 0 "), now), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            retry_after(&headers(&later), now),
            Some(Duration::from_secs(90))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(retry_after(&headers(&earlier), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&headers("-3"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_doubles_from_the_initial_pause_up_to_the_cap() {
        let policy = RetryPolicy::default();
        let full = |attempt| policy.backoff(attempt, 1.0);
        assert_eq!(full(1), Duration::from_millis(200));
        assert_eq!(full(2), Duration::from_millis(400));
        assert_eq!(full(3), Duration::from_millis(800));
        assert_eq!(full(6), Duration::from_millis(6400));
        assert_eq!(full(7), Duration::from_secs(8));
        assert_eq!(full(u32::MAX), Duration::from_secs(8));
    }

    #[test]
    fn jitter_scales_the_pause_between_zero_and_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(2, 0.0), Duration::ZERO);
        assert_eq!(policy.backoff(2, 0.5), Duration::from_millis(200));
        assert_eq!(policy.backoff(2, 7.0), Duration::from_millis(400));
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(status), "{status}");
        }
        for status in [200, 301, 400, 401, 404, 409, 501, 505] {
            assert!(!is_retryable_status(status), "{status}");
        }
    }
}
