//! One kind of record, indexed by (updated_at, id).
//!
//! Every write happens "now", later than anything already stored (the clock is strictly
//! increasing), so a changed record always moves to the end of the order. The order is
//! therefore an append-only vector, sorted by construction: a write appends the record's
//! new position and leaves a tombstone at the old one. A Fenwick tree counts the live
//! positions, so `total`, the first position of a page and `updated_since` are all
//! O(log n); a page is then read by walking forward over at most `limit` live entries
//! (plus the tombstones of records changed in between).

/// Live counts over positions, with O(log n) prefix sums, k-th search and append.
#[derive(Debug, Default)]
struct Fenwick {
    /// 1-based: `tree[i - 1]` covers positions `(i - lowbit(i), i]`.
    tree: Vec<u32>,
}

fn lowbit(i: usize) -> usize {
    i & i.wrapping_neg()
}

impl Fenwick {
    /// `n` positions, all live.
    fn all_live(n: usize) -> Fenwick {
        Fenwick {
            tree: (1..=n).map(|i| lowbit(i) as u32).collect(),
        }
    }

    /// Live positions among the first `n`.
    fn prefix(&self, mut n: usize) -> usize {
        let mut sum = 0usize;
        while n > 0 {
            sum += self.tree[n - 1] as usize;
            n -= lowbit(n);
        }
        sum
    }

    fn kill(&mut self, pos: usize) {
        let mut i = pos + 1;
        while i <= self.tree.len() {
            self.tree[i - 1] -= 1;
            i += lowbit(i);
        }
    }

    /// Appends one live position.
    fn push_live(&mut self) {
        let i = self.tree.len() + 1;
        let covered = self.prefix(i - 1) - self.prefix(i - lowbit(i));
        self.tree.push(covered as u32 + 1);
    }

    /// The position of the live entry with 0-based live rank `k`, if any.
    fn kth(&self, k: usize) -> Option<usize> {
        let n = self.tree.len();
        let mut pos = 0usize;
        let mut rest = k + 1;
        let mut step = if n == 0 {
            0
        } else {
            1usize << (usize::BITS - 1 - n.leading_zeros())
        };
        while step > 0 {
            let next = pos + step;
            if next <= n && (self.tree[next - 1] as usize) < rest {
                pos = next;
                rest -= self.tree[next - 1] as usize;
            }
            step >>= 1;
        }
        (pos < n).then_some(pos)
    }
}

#[derive(Debug)]
pub(crate) struct Slot<R> {
    pub updated_ms: i64,
    pub version: u32,
    /// Where this record currently sits in `order`.
    pos: u32,
    /// The stored record once it was written; `None` means "as generated".
    pub rec: Option<Box<R>>,
}

#[derive(Debug)]
pub(crate) struct Table<R> {
    /// Record number `n` is `slots[n - 1]`.
    slots: Vec<Slot<R>>,
    /// (updated_ms, number), ascending; dead entries are positions no slot points at.
    order: Vec<(i64, u32)>,
    live: Fenwick,
}

/// One page of a listing: record numbers, in order, and the filtered total.
#[derive(Debug)]
pub(crate) struct Page {
    pub numbers: Vec<u32>,
    pub total: usize,
}

impl<R> Table<R> {
    /// Generated records: `times[i]` is the `updated_at` of number `i + 1`,
    /// `version(n)` its version.
    pub(crate) fn generated(times: &[i64], version: impl Fn(u32) -> u32) -> Table<R> {
        let mut order: Vec<(i64, u32)> = times
            .iter()
            .enumerate()
            .map(|(i, t)| (*t, i as u32 + 1))
            .collect();
        order.sort_unstable();
        let mut slots: Vec<Slot<R>> = times
            .iter()
            .enumerate()
            .map(|(i, t)| Slot {
                updated_ms: *t,
                version: version(i as u32 + 1),
                pos: 0,
                rec: None,
            })
            .collect();
        for (pos, (_, n)) in order.iter().enumerate() {
            slots[*n as usize - 1].pos = pos as u32;
        }
        Table {
            live: Fenwick::all_live(order.len()),
            slots,
            order,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    pub(crate) fn get(&self, n: u32) -> Option<&Slot<R>> {
        self.slots.get((n as usize).checked_sub(1)?)
    }

    pub(crate) fn get_mut(&mut self, n: u32) -> Option<&mut Slot<R>> {
        self.slots.get_mut((n as usize).checked_sub(1)?)
    }

    /// The newest `updated_at` in the table.
    pub(crate) fn latest_ms(&self) -> Option<i64> {
        self.order.last().map(|(t, _)| *t)
    }

    /// Adds a new record written at `now_ms` (later than everything stored); its number.
    pub(crate) fn insert(&mut self, now_ms: i64, rec: R) -> u32 {
        let n = self.slots.len() as u32 + 1;
        self.slots.push(Slot {
            updated_ms: now_ms,
            version: 1,
            pos: self.order.len() as u32,
            rec: Some(Box::new(rec)),
        });
        self.order.push((now_ms, n));
        self.live.push_live();
        n
    }

    /// Marks record `n` written at `now_ms`: new version, moved to the end of the order.
    pub(crate) fn touch(&mut self, n: u32, now_ms: i64) {
        let new_pos = self.order.len() as u32;
        let Some(slot) = self.get_mut(n) else {
            return;
        };
        let old = slot.pos as usize;
        slot.pos = new_pos;
        slot.updated_ms = now_ms;
        slot.version += 1;
        self.live.kill(old);
        self.order.push((now_ms, n));
        self.live.push_live();
    }

    /// Records with `updated_ms >= since_ms`, 0-based `offset`, at most `limit`.
    pub(crate) fn page(&self, since_ms: i64, offset: usize, limit: usize) -> Page {
        let start = self.order.partition_point(|(t, _)| *t < since_ms);
        let before = self.live.prefix(start);
        let total = self.live.prefix(self.order.len()) - before;
        let mut numbers = Vec::new();
        if offset < total {
            if let Some(first) = self.live.kth(before + offset) {
                for (pos, (_, n)) in self.order.iter().enumerate().skip(first) {
                    if numbers.len() >= limit {
                        break;
                    }
                    if self.get(*n).is_some_and(|s| s.pos as usize == pos) {
                        numbers.push(*n);
                    }
                }
            }
        }
        Page { numbers, total }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(t: &Table<()>, since: i64, limit: usize) -> Vec<u32> {
        let mut all = Vec::new();
        let mut offset = 0;
        loop {
            let p = t.page(since, offset, limit);
            if p.numbers.is_empty() {
                return all;
            }
            offset += p.numbers.len();
            all.extend(p.numbers);
        }
    }

    #[test]
    fn pages_follow_updated_order_and_writes_move_to_the_end() {
        let times: Vec<i64> = (0..37).map(|i| (i * 7919) % 1000).collect();
        let mut t: Table<()> = Table::generated(&times, |_| 1);
        let mut expected: Vec<u32> = (1..=37).collect();
        expected.sort_by_key(|n| times[*n as usize - 1]);
        assert_eq!(walk(&t, i64::MIN, 5), expected);
        t.touch(expected[3], 2000);
        t.touch(expected[0], 2001);
        let n = t.insert(2002, ());
        assert_eq!(n, 38);
        let mut moved: Vec<u32> = expected.clone();
        let (a, b) = (expected[3], expected[0]);
        moved.retain(|x| *x != a && *x != b);
        moved.extend([a, b, 38]);
        for limit in [1, 2, 3, 10, 100] {
            assert_eq!(walk(&t, i64::MIN, limit), moved);
        }
        let p = t.page(2001, 0, 10);
        assert_eq!((p.numbers, p.total), (vec![b, 38], 2));
        let p = t.page(i64::MIN, 38, 10);
        assert_eq!((p.numbers.len(), p.total), (0, 38));
        assert_eq!(t.get(a).map(|s| s.version), Some(2));
    }

    #[test]
    fn fenwick_counts_after_appends_and_kills() {
        let mut f = Fenwick::all_live(5);
        for _ in 0..20 {
            f.push_live();
        }
        f.kill(0);
        f.kill(7);
        assert_eq!(f.prefix(25), 23);
        assert_eq!(f.prefix(8), 6);
        assert_eq!(f.kth(0), Some(1));
        assert_eq!(f.kth(6), Some(8));
        assert_eq!(f.kth(22), Some(24));
        assert_eq!(f.kth(23), None);
    }
}
