//! The one stable sort both backends use (the Wasm runtime's `msort` in
//! `runtime/seq.c` is the same algorithm), so that they agree even when `<`
//! is not a total order (NaN): a top-down merge sort that takes the right
//! item first only when it is strictly before the left one.

/// Sorts `items` stably; `before(a, b)` says `a` must come before `b`.
pub fn merge_sort<T: Clone>(items: &mut [T], before: &mut impl FnMut(&T, &T) -> bool) {
    let n = items.len();
    if n < 2 {
        return;
    }
    let h = n / 2;
    merge_sort(&mut items[..h], before);
    merge_sort(&mut items[h..], before);
    let left: Vec<T> = items[..h].to_vec();
    let (mut i, mut j, mut k) = (0, h, 0);
    while i < h && j < n {
        if before(&items[j], &left[i]) {
            items[k] = items[j].clone();
            j += 1;
        } else {
            items[k] = left[i].clone();
            i += 1;
        }
        k += 1;
    }
    while i < h {
        items[k] = left[i].clone();
        i += 1;
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::merge_sort;

    #[test]
    fn sorts_stably() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        merge_sort(&mut v, &mut |a, b| a.0 < b.0);
        assert_eq!(v, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        merge_sort(&mut v, &mut |a, b| a.0 > b.0);
        assert_eq!(v, [(3, 'a'), (3, 'c'), (2, 'd'), (1, 'b'), (1, 'e')]);
    }
}
