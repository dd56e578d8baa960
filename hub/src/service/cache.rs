//! Short-lived caches of the lookups every request makes: token → member, and
//! (project name, member) → project access. Changes made through this hub clear them at
//! once; the short TTL bounds how long a change made by *another* hub sharing the
//! database (a revoked token, a removed membership, a deleted project) can go unnoticed
//! here.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::model::Member;
use crate::store::ProjectRef;

/// How long a cached lookup is trusted.
pub const TTL: Duration = Duration::from_secs(5);
const CAPACITY: usize = 10_000;

/// A bounded map whose entries expire after [`TTL`].
pub(crate) struct TtlCache<K, V>(Mutex<HashMap<K, (V, Instant)>>);

impl<K, V> Default for TtlCache<K, V> {
    fn default() -> Self {
        TtlCache(Mutex::new(HashMap::new()))
    }
}

impl<K: Hash + Eq, V: Clone> TtlCache<K, V> {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<K, (V, Instant)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let entries = self.entries();
        let (value, at) = entries.get(key)?;
        (at.elapsed() < TTL).then(|| value.clone())
    }

    pub(crate) fn put(&self, key: K, value: V) {
        let mut entries = self.entries();
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, at)| at.elapsed() < TTL);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, (value, Instant::now()));
    }

    pub(crate) fn clear(&self) {
        self.entries().clear();
    }
}

/// The hub's caches.
#[derive(Default)]
pub(crate) struct Caches {
    /// Token hash → member.
    pub tokens: TtlCache<String, Member>,
    /// (project name, member id) → the project as that member sees it. Only projects
    /// that exist are cached, so a project created a moment ago is found at once.
    pub projects: TtlCache<(String, i64), ProjectRef>,
}

impl Caches {
    /// After a change to members, tokens, projects or membership.
    pub(crate) fn clear(&self) {
        self.tokens.clear();
        self.projects.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
