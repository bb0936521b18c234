//! One stable sort for the whole module.
//!
//! The standard library's sorts are fast and large: each call site with its own comparison gets
//! its own copy of the algorithm, 2–4 KB of WebAssembly apiece, and conpar had twenty-two of
//! them (66 KB of the module before optimisation). Here the algorithm is compiled once: it sorts
//! positions through a comparison behind a `dyn`, and each call site adds only the few bytes that
//! move its elements into the order found. Every list conpar sorts is small (a run's spans, a
//! few thousand at most), so an indirect call per comparison costs nothing a reader could see.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, keeping equal elements in their order (as `slice::sort_by`).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let items: &[T] = v;
        merge_sort(&mut order, &mut |a, b| cmp(&items[a], &items[b]));
    }
    permute(v, order);
}

/// Sorts `v` by the key `f` gives each element, stable (as `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// Sorts `v` in ascending order, stable (as `slice::sort`).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Bottom-up merge sort of positions, stable: of two equal elements the earlier stays first.
/// Not generic, so the module holds one copy.
fn merge_sort(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    let n = order.len();
    let mut from = order.to_vec();
    let mut to = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut to[start..end] {
                // Take from the right run only when its head is strictly smaller: stable.
                let right = j < end && (i >= mid || cmp(from[j], from[i]) == Ordering::Less);
                if right {
                    *slot = from[j];
                    j += 1;
                } else {
                    *slot = from[i];
                    i += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    order.copy_from_slice(&from);
}

/// Puts the element at `order[i]` at position `i`, for every `i`, by swaps along each cycle.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        loop {
            let next = order[at];
            order[at] = at;
            if next == start || next == at {
                break;
            }
            v.swap(at, next);
            at = next;
        }
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // the standard sort is what these compare against
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_standard_library_does_and_keeps_ties_in_order() {
        // A small deterministic generator: every length to 70, keys with many ties.
        let mut state = 12345u32;
        for len in 0..70 {
            let v: Vec<(u32, usize)> = (0..len)
                .map(|i| {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    ((state >> 16) % 7, i)
                })
                .collect();
            let mut ours = v.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std = v.clone();
            std.sort_by_key(|a| a.0);
            assert_eq!(ours, std, "length {len}");
        }
    }

    #[test]
    fn floats_keys_and_plain_order() {
        let mut f = vec![3.5, -1.0, 2.0, f64::INFINITY, 0.0, -0.0];
        sort_by(&mut f, f64::total_cmp);
        assert_eq!(f, vec![-1.0, -0.0, 0.0, 2.0, 3.5, f64::INFINITY]);
        let mut words = vec!["pear", "fig", "apple", "kiwi"];
        sort_by_key(&mut words, |w| w.len());
        assert_eq!(words, vec!["fig", "pear", "kiwi", "apple"]);
        let mut n = vec![5u32, 1, 4, 1, 3];
        sort(&mut n);
        assert_eq!(n, vec![1, 1, 3, 4, 5]);
    }
}
