//! Short-lived caches of the lookups every request makes: token → member, and
//! (project name, member) → project access. Changes made through this hub clear them at
//! once; the short TTL bounds how long a change made by *another* hub sharing the
//! database (a revoked token, a removed membership, a deleted project) can go unnoticed
//! here.
//!
//! And caches of whole results (`jc_get_state`, `jc_list_tasks`, `jc_get_task`, the
//! project's context and its members), which are never served stale: each entry carries
//! the database's data version ([`crate::store::Store::data_version`]) read before its
//! data, and is used only while the version is unchanged, whichever hub or process wrote
//! in between (see [`Hub::versioned`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{ContextList, Hub, MemberList, StateSnapshot, TaskDetail, TaskList};
use crate::error::HubResult;
use crate::model::Member;
use crate::store::{ProjectRef, TaskCursor, TaskFilter};

/// How long a cached lookup is trusted.
pub const TTL: Duration = Duration::from_secs(5);
/// Entries of a lookup cache (a member or a project each).
const CAPACITY: usize = 10_000;
/// Entries of each result cache.
const RESULT_CAPACITY: usize = 256;
/// How long a result is kept after it was read. Results are checked on every use, so
/// this only bounds how long one nobody asks for again holds memory.
const RESULT_TTL: Duration = Duration::from_secs(60);
/// A result with more text than this (long descriptions or session summaries, say) is
/// not cached, so a result cache holds at most [`RESULT_CAPACITY`] × 32 kB.
const RESULT_BYTES: usize = 32 * 1024;

/// A bounded map whose entries expire (after [`TTL`] by default).
pub(crate) struct TtlCache<K, V> {
    entries: Mutex<HashMap<K, (V, Instant)>>,
    capacity: usize,
    ttl: Duration,
}

impl<K, V> Default for TtlCache<K, V> {
    fn default() -> Self {
        Self::new(CAPACITY, TTL)
    }
}

impl<K, V> TtlCache<K, V> {
    fn new(capacity: usize, ttl: Duration) -> Self {
        TtlCache {
            entries: Mutex::new(HashMap::new()),
            capacity,
            ttl,
        }
    }
}

impl<K: Hash + Eq, V: Clone> TtlCache<K, V> {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<K, (V, Instant)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let entries = self.entries();
        let (value, at) = entries.get(key)?;
        (at.elapsed() < self.ttl).then(|| value.clone())
    }

    pub(crate) fn put(&self, key: K, value: V) {
        let mut entries = self.entries();
        if entries.len() >= self.capacity {
            entries.retain(|_, (_, at)| at.elapsed() < self.ttl);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, (value, Instant::now()));
    }

    pub(crate) fn clear(&self) {
        self.entries().clear();
    }
}

/// A cached result and the data version it was read at.
pub(crate) type Versioned<T> = Arc<(String, T)>;

/// The hub's caches.
pub(crate) struct Caches {
    /// Token hash → member.
    pub tokens: TtlCache<String, Member>,
    /// (project name, member id) → the project as that member sees it. Only projects
    /// that exist are cached, so a project created a moment ago is found at once.
    pub projects: TtlCache<(String, i64), ProjectRef>,
    /// (project id, member name) → that member's `jc_get_state`.
    pub states: TtlCache<(i64, String), Versioned<StateSnapshot>>,
    /// (project id, filter, limit, cursor) → a page of `jc_list_tasks`.
    pub task_pages: TtlCache<TaskPageKey, Versioned<TaskList>>,
    /// (project id, task number) → `jc_get_task`.
    pub tasks: TtlCache<(i64, i64), Versioned<TaskDetail>>,
    /// Project id → all of its context (`jc_get_context` without a key).
    pub contexts: TtlCache<i64, Versioned<ContextList>>,
    /// Project id → its members (`jc_list_members`).
    pub rosters: TtlCache<i64, Versioned<MemberList>>,
}

/// What a page of tasks depends on.
pub(crate) type TaskPageKey = (i64, TaskFilter, i64, Option<TaskCursor>);

impl Default for Caches {
    fn default() -> Self {
        Caches {
            tokens: TtlCache::default(),
            projects: TtlCache::default(),
            states: TtlCache::new(RESULT_CAPACITY, RESULT_TTL),
            task_pages: TtlCache::new(RESULT_CAPACITY, RESULT_TTL),
            tasks: TtlCache::new(RESULT_CAPACITY, RESULT_TTL),
            contexts: TtlCache::new(RESULT_CAPACITY, RESULT_TTL),
            rosters: TtlCache::new(RESULT_CAPACITY, RESULT_TTL),
        }
    }
}

/// A result's size, as the bytes of its text (most of what it holds).
pub(crate) trait TextBytes {
    fn text_bytes(&self) -> usize;
}

/// The length of a JSON value's text, counted without building it.
pub(crate) fn json_bytes(value: &serde_json::Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing to a counter cannot fail, and a `Value` always serializes.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

impl Hub {
    /// `read`'s result, from `cache` while the data version is what it was when the entry
    /// was read. The version is read first, before the data, so an entry can be newer
    /// than its version (it is then simply not used again) but never older: every commit
    /// after the version was read changes it.
    pub(crate) async fn versioned<K: Hash + Eq, T: Clone + TextBytes>(
        &self,
        cache: &TtlCache<K, Versioned<T>>,
        key: K,
        read: impl Future<Output = HubResult<T>>,
    ) -> HubResult<T> {
        let version = self.store.data_version().await?;
        if let Some(entry) = cache.get(&key)
            && entry.0 == version
        {
            return Ok(entry.1.clone());
        }
        let value = read.await?;
        if value.text_bytes() <= RESULT_BYTES {
            cache.put(key, Arc::new((version, value.clone())));
        }
        Ok(value)
    }
}

impl Caches {
    /// After a change to members, tokens, projects or membership.
    pub(crate) fn clear(&self) {
        self.tokens.clear();
        self.projects.clear();
        self.states.clear();
        self.task_pages.clear();
        self.tasks.clear();
        self.contexts.clear();
        self.rosters.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_bytes_counts_the_text() {
        assert_eq!(json_bytes(&serde_json::json!({"a": [1, "é"]})), 14);
    }

    #[test]
    fn entries_expire_and_clear() {
        let cache: TtlCache<String, i64> = TtlCache::default();
        cache.put("a".into(), 1);
        assert_eq!(cache.get("a"), Some(1));
        assert_eq!(cache.get("b"), None);
        cache.clear();
        assert_eq!(cache.get("a"), None);
        let old = Instant::now().checked_sub(TTL + Duration::from_millis(1));
        if let Some(old) = old {
            cache.entries().insert("old".into(), (2, old));
            assert_eq!(cache.get("old"), None);
        }
    }

    #[test]
    fn capacity_is_bounded() {
        let cache: TtlCache<i64, i64> = TtlCache::default();
        for i in 0..(CAPACITY as i64 + 10) {
            cache.put(i, i);
        }
        assert!(cache.entries().len() <= CAPACITY);
        assert_eq!(cache.get(&(CAPACITY as i64 + 9)), Some(CAPACITY as i64 + 9));
        let small: TtlCache<i64, i64> = TtlCache::new(3, TTL);
        for i in 0..10 {
            small.put(i, i);
        }
        assert!(small.entries().len() <= 3);
        assert_eq!(small.get(&9), Some(9));
    }
}
