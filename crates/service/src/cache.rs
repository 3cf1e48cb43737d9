//! A small time-limited cache for what every push reads: its token and its system. Changes
//! made through this process clear it at once; changes made by another process (a CLI
//! next to the desktop app) are seen within the time limit.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How stale an entry may be when another process changed the database.
pub(crate) const FRESHNESS: Duration = Duration::from_secs(2);
/// Bounds memory: a flood of distinct keys empties the cache instead of growing it.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug)]
pub(crate) struct TtlCache<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    pub fn new() -> Self {
        TtlCache {
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, V)>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.lock();
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < FRESHNESS)
            .map(|(_, v)| v.clone())
    }

    pub fn put(&self, key: K, value: V) {
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), value));
    }

    pub fn clear(&self) {
        self.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_clear() {
        let cache = TtlCache::new();
        cache.put(1, "a");
        assert_eq!(cache.get(&1), Some("a"));
        cache.clear();
        assert_eq!(cache.get(&1), None);
        cache.put(2, "b");
        // Age the entry past the limit by rewriting its time.
        if let Some(entry) = cache.lock().get_mut(&2) {
            entry.0 = Instant::now()
                .checked_sub(FRESHNESS + Duration::from_millis(1))
                .unwrap_or_else(Instant::now);
        }
        assert_eq!(cache.get(&2), None);
    }
}
