//! Running independent jobs on scoped threads. Results come back in the order of the jobs, so
//! the output never depends on scheduling.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many threads generation uses by default: the machine's available parallelism.
pub fn available() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// Runs `job` on every item with up to `threads` threads (the calling thread is one of them) and
/// returns the results in the order of `items`.
///
/// Jobs start in decreasing order of `cost`, so the largest ones do not end up last on a single
/// thread while the others idle. A job that panics makes this function panic on the calling
/// thread with the same payload once every thread has stopped, exactly as if it had run there.
pub fn map<T, R>(
    items: &[T],
    threads: usize,
    cost: impl Fn(&T) -> usize,
    job: impl Fn(&T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(job).collect();
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cost(&items[i])));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            done.push((i, job(&items[i])));
        }
        done
    };
    let mut finished: Vec<(usize, R)> = Vec::with_capacity(items.len());
    let mut panicked = None;
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
            Ok(done) => finished.extend(done),
            Err(payload) => panicked = Some(payload),
        }
        for helper in helpers {
            match helper.join() {
                Ok(done) => finished.extend(done),
                Err(payload) => panicked = panicked.take().or(Some(payload)),
            }
        }
    });
    if let Some(payload) = panicked {
        std::panic::resume_unwind(payload);
    }
    finished.sort_unstable_by_key(|(i, _)| *i);
    finished.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items_whatever_the_costs() {
        let items: Vec<usize> = (0..50).collect();
        for threads in [1, 2, 3, 8] {
            let out = map(&items, threads, |&i| i % 7, |&i| i * 10);
            assert_eq!(out, items.iter().map(|i| i * 10).collect::<Vec<_>>());
        }
    }

    #[test]
    fn jobs_run_on_more_than_one_thread_when_asked() {
        let items: Vec<usize> = (0..8).collect();
        let ids = map(
            &items,
            2,
            |_| 0,
            |_| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                std::thread::current().id()
            },
        );
        let mut distinct = ids.clone();
        distinct.sort_by_key(|id| format!("{id:?}"));
        distinct.dedup();
        assert_eq!(distinct.len(), 2, "{ids:?}");
    }

    #[test]
    fn a_panicking_job_panics_the_caller_with_its_message() {
        let items: Vec<usize> = (0..6).collect();
        let caught = std::panic::catch_unwind(|| {
            map(
                &items,
                3,
                |_| 0,
                |&i| {
                    assert!(i != 4, "job four failed");
                    i
                },
            )
        });
        let payload = caught.expect_err("the panic reaches the caller");
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()));
        assert_eq!(message.as_deref(), Some("job four failed"));
    }

    #[test]
    fn no_items_no_threads() {
        let out: Vec<u8> = map(&[] as &[u8], 4, |_| 0, |&b| b);
        assert!(out.is_empty());
    }
}
