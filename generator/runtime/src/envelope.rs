//! Response envelopes that report failure in the body, even with a success status.

use std::fmt;

/// The errors of a response envelope that reported failure (`success: false`, or a non-empty
/// error list), even with an HTTP success status.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvelopeError<E> {
    /// Whether the envelope's success flag was set, if it was present.
    pub success: Option<bool>,
    /// The errors the envelope listed.
    pub errors: Vec<E>,
}

impl<E: fmt::Debug> fmt::Display for EnvelopeError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the API reported failure: {:?}", self.errors)
    }
}

impl<E: fmt::Debug> std::error::Error for EnvelopeError<E> {}

/// The envelope rule: failure when the flag says so or when errors are listed.
///
/// # Errors
///
/// [`EnvelopeError`] when `success` is `Some(false)` or `errors` is not empty.
#[doc(hidden)]
pub fn envelope_result<T, E>(
    success: Option<bool>,
    errors: Option<Vec<E>>,
    payload: T,
) -> Result<T, EnvelopeError<E>> {
    let errors = errors.unwrap_or_default();
    if success == Some(false) || !errors.is_empty() {
        Err(EnvelopeError { success, errors })
    } else {
        Ok(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_is_a_false_flag_or_any_listed_error() {
        assert_eq!(envelope_result::<_, &str>(Some(true), None, 1), Ok(1));
        assert_eq!(envelope_result::<_, &str>(None, Some(vec![]), 1), Ok(1));
        assert_eq!(
            envelope_result::<_, &str>(Some(false), None, 1),
            Err(EnvelopeError {
                success: Some(false),
                errors: vec![]
            })
        );
        assert_eq!(
            envelope_result(Some(true), Some(vec!["quota"]), 1),
            Err(EnvelopeError {
                success: Some(true),
                errors: vec!["quota"]
            })
        );
    }
}
