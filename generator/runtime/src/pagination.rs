//! Pagination: the items of every page as one stream, fetched lazily.

use std::future::Future;

use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};

use super::error::Error;

/// Streams the items of every page. `fetch` sends one page's request and returns its items and
/// the request for the next page, or `None` after the last page. Pages are fetched lazily, one
/// at a time, as the stream is polled; an error ends the stream after being yielded.
#[doc(hidden)]
pub fn paginate<'a, B, I, E, F, Fut>(first: B, mut fetch: F) -> BoxStream<'a, Result<I, Error<E>>>
where
    B: Send + 'a,
    I: Send + 'a,
    E: Send + 'a,
    F: FnMut(B) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<I>, Option<B>), Error<E>>> + Send + 'a,
{
    stream::try_unfold(Some(first), move |state| {
        let page = state.map(&mut fetch);
        async move {
            match page {
                None => Ok(None),
                Some(page) => page.await.map(Some),
            }
        }
    })
    .map_ok(|items: Vec<I>| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .fuse()
    // Boxed: callers can `try_next().await` without pinning, and the type stays nameable.
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn pages_are_fetched_lazily_until_there_is_no_next() {
        let fetched = Arc::new(AtomicU32::new(0));
        let counter = Arc::clone(&fetched);
        let mut items = paginate(0u32, move |page| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                let items = vec![page * 10, page * 10 + 1];
                let next = (page < 2).then_some(page + 1);
                Ok::<_, Error<()>>((items, next))
            }
        });
        assert_eq!(fetched.load(Ordering::SeqCst), 0, "nothing before polling");
        assert_eq!(items.try_next().await.unwrap(), Some(0));
        assert_eq!(fetched.load(Ordering::SeqCst), 1);
        let rest: Vec<u32> = items.try_collect().await.unwrap();
        assert_eq!(rest, [1, 10, 11, 20, 21]);
        assert_eq!(fetched.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_and_ends_the_stream() {
        let mut items = paginate(0u32, |page| async move {
            if page == 0 {
                Ok((vec![1], Some(1)))
            } else {
                Err(Error::<()>::Timeout { attempts: 3 })
            }
        });
        assert_eq!(items.try_next().await.unwrap(), Some(1));
        assert!(matches!(
            items.next().await,
            Some(Err(Error::Timeout { attempts: 3 }))
        ));
        assert!(items.next().await.is_none());
    }
}
