//! Token → member lookups happen on every request, so they are cached briefly. Changes
//! to members or tokens made through this hub clear the cache at once; the short TTL
//! bounds how long a revocation made by *another* hub sharing the database can go
//! unnoticed here.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::model::Member;

/// How long a cached lookup is trusted.
pub const TTL: Duration = Duration::from_secs(5);
const CAPACITY: usize = 10_000;

#[derive(Default)]
pub(crate) struct TokenCache(Mutex<HashMap<String, (Member, Instant)>>);

impl TokenCache {
    pub(crate) fn get(&self, hash: &str) -> Option<Member> {
        let entries = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (member, at) = entries.get(hash)?;
        (at.elapsed() < TTL).then(|| member.clone())
    }

    pub(crate) fn put(&self, hash: String, member: Member) {
        let mut entries = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, at)| at.elapsed() < TTL);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(hash, (member, Instant::now()));
    }

    pub(crate) fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}
