//! The explorer's pager: where a page is, what its controls allow, and the
//! pages of a list filtered in the browser.

/// A position among pages, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNav {
    /// The page shown.
    pub page: u64,
    /// Pages there are, at least 1.
    pub total_pages: u64,
}

impl PageNav {
    /// Page `page` of `total_pages`, both kept to at least 1 and `page` to at
    /// most `total_pages`.
    pub fn new(page: u64, total_pages: u64) -> Self {
        let total_pages = total_pages.max(1);
        PageNav {
            page: page.clamp(1, total_pages),
            total_pages,
        }
    }

    /// Whether First and Previous lead anywhere.
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    /// Whether Next and Last lead anywhere.
    pub fn has_next(&self) -> bool {
        self.page < self.total_pages
    }

    /// Where each control leads: first, previous, next, last.
    pub fn targets(&self) -> [u64; 4] {
        [
            1,
            self.page.saturating_sub(1).max(1),
            (self.page + 1).min(self.total_pages),
            self.total_pages,
        ]
    }
}

/// Pages needed for `items` at `size` a page, at least 1.
pub fn pages_for(items: u64, size: u64) -> u64 {
    items.div_ceil(size.max(1)).max(1)
}

/// The items of page `page` (from 1) at `size` a page; empty past the end.
pub fn page_of<T>(items: &[T], page: u64, size: u64) -> &[T] {
    let size = size.max(1) as usize;
    let start = (page.max(1) as usize - 1).saturating_mul(size);
    let start = start.min(items.len());
    &items[start..(start.saturating_add(size)).min(items.len())]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_controls_follow_the_position() {
        let nav = PageNav::new(3, 41);
        assert!(nav.has_prev() && nav.has_next());
        assert_eq!(nav.targets(), [1, 2, 4, 41]);
        let first = PageNav::new(0, 0);
        assert_eq!((first.page, first.total_pages), (1, 1));
        assert!(!first.has_prev() && !first.has_next());
        assert_eq!(PageNav::new(99, 5).page, 5);
    }

    #[test]
    fn pages_of_a_filtered_list() {
        let items: Vec<u32> = (1..=12).collect();
        assert_eq!(page_of(&items, 1, 5), [1, 2, 3, 4, 5]);
        assert_eq!(page_of(&items, 3, 5), [11, 12]);
        assert!(page_of(&items, 4, 5).is_empty());
        assert_eq!(pages_for(12, 5), 3);
        assert_eq!(pages_for(0, 25), 1);
    }

    proptest! {
        /// Walking every page covers every item once, in order.
        #[test]
        fn pages_cover_every_item_once(len in 0usize..400, size in 1u64..=100) {
            let items: Vec<usize> = (0..len).collect();
            let mut seen = Vec::new();
            for page in 1..=pages_for(len as u64, size) {
                seen.extend_from_slice(page_of(&items, page, size));
            }
            prop_assert_eq!(seen, items);
        }

        /// Every control leads to a page that exists.
        #[test]
        fn controls_stay_in_range(page in any::<u64>(), total in any::<u64>()) {
            let nav = PageNav::new(page, total);
            for target in nav.targets() {
                prop_assert!((1..=nav.total_pages).contains(&target));
            }
        }
    }
}
