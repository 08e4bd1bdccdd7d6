//! A small open-addressing map from token keys (or other values that are
//! already 64-bit hashes) to a small value: built per candidate region,
//! per quotation pair and per alignment, where sorting or a general
//! `HashMap` cost more than the work itself.

/// One slot: the key, whether it is taken, and the value.
#[derive(Clone, Copy, Default)]
struct Slot<V> {
    key: u64,
    used: bool,
    value: V,
}

/// Keys to values of type `V` (default-initialized on first use), in one
/// allocation; linear probing at a load of at most one half.
pub(crate) struct KeyTable<V> {
    slots: Vec<Slot<V>>,
    mask: usize,
}

impl<V: Copy + Default> KeyTable<V> {
    /// A table for up to `n` distinct keys.
    pub(crate) fn new(n: usize) -> KeyTable<V> {
        let size = (2 * n).next_power_of_two().max(8);
        KeyTable {
            slots: vec![Slot::default(); size],
            mask: size - 1,
        }
    }

    /// Empties the table and makes it ready for up to `n` distinct keys,
    /// reusing its allocation (what [`KeyTable::new`] would give).
    pub(crate) fn reset(&mut self, n: usize) {
        let size = (2 * n).next_power_of_two().max(8);
        self.slots.clear();
        self.slots.resize(size, Slot::default());
        self.mask = size - 1;
    }

    /// Slots the table holds (twice the keys it was made for, or more).
    pub(crate) fn slots(&self) -> usize {
        self.slots.len()
    }

    /// The slot of `key`: where it is, or the free slot it would take.
    fn find(&self, key: u64) -> usize {
        // Mixed again, so that keys built otherwise (tests) spread too.
        let mut s = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & self.mask;
        while self.slots[s].used && self.slots[s].key != key {
            s = (s + 1) & self.mask;
        }
        s
    }

    /// The value of `key`, if it is in the table.
    pub(crate) fn get(&self, key: u64) -> Option<&V> {
        let slot = &self.slots[self.find(key)];
        slot.used.then_some(&slot.value)
    }

    /// The value of `key`, if it is in the table, to change.
    pub(crate) fn get_mut(&mut self, key: u64) -> Option<&mut V> {
        let s = self.find(key);
        let slot = &mut self.slots[s];
        slot.used.then_some(&mut slot.value)
    }

    /// The value of `key` (added with `V::default()` if new), and whether
    /// it is new. At most `n` distinct keys (see [`KeyTable::new`]).
    pub(crate) fn entry(&mut self, key: u64) -> (&mut V, bool) {
        let s = self.find(key);
        let slot = &mut self.slots[s];
        let new = !slot.used;
        slot.used = true;
        slot.key = key;
        (&mut slot.value, new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_share_a_slot_stay_apart() {
        // More keys than slots' worth of spread: 0, 2^40, 2·2^40… all
        // start probing at the same slot.
        let keys: Vec<u64> = (0..50u64).map(|i| i << 40).chain(1..30).collect();
        let mut t: KeyTable<u32> = KeyTable::new(keys.len());
        for (i, &k) in keys.iter().enumerate() {
            let (v, new) = t.entry(k);
            assert!(new);
            *v = i as u32;
        }
        for (i, &k) in keys.iter().enumerate() {
            assert_eq!(t.get(k), Some(&(i as u32)));
            assert!(!t.entry(k).1);
        }
        assert_eq!(t.get(1 << 60), None);
        *t.get_mut(5).unwrap() += 100;
        assert_eq!(t.get(5), Some(&(100 + 50 + 4)));
        assert!(t.get_mut(7 << 50).is_none());
        // Reset, smaller: nothing of before is left.
        t.reset(3);
        assert!(keys.iter().all(|&k| t.get(k).is_none()));
        assert!(t.entry(5).1);
    }
}
