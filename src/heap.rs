//! The global allocator: Talc, fed first with the memory the module starts with.
//!
//! Talc's own wasm source (`WasmDynamicTalc`) grows the memory on the first
//! allocation and never uses the rest of the pages the module was given: 37 KB
//! after the widget's data, a whole 64 KB page for every widget on a page once
//! the start-up allocations pass it. This source hands Talc that tail first,
//! then grows the memory and extends the same heap, as Talc's does.

use core::{alloc::Layout, arch::wasm32, ptr::NonNull};
use talc::{
    base::{binning::Binning, Talc},
    cell::TalcSyncCell,
    source::Source,
    wasm::WasmBinning,
};

const PAGE_BYTES: usize = 65_536;

extern "C" {
    /// The first byte after the stack and the data, placed by the linker.
    static __heap_base: u8;
}

/// Where the heap ends, once it has begun.
#[derive(Debug)]
pub struct TailThenGrow {
    end: Option<NonNull<u8>>,
}

/// The allocator every module of the widget uses (see `lib.rs`).
pub type Heap = TalcSyncCell<TailThenGrow, WasmBinning>;

/// An allocator that has not claimed anything yet.
pub const fn heap() -> Heap {
    TalcSyncCell::new_wasm(TailThenGrow { end: None })
}

// SAFETY: `acquire` only claims memory the module owns and nothing else uses:
// the tail past `__heap_base`, then pages it grows itself. It never allocates.
unsafe impl Source for TailThenGrow {
    fn acquire<B: Binning>(talc: &mut Talc<Self, B>, layout: Layout) -> Result<(), ()> {
        if talc.source.end.is_none() {
            let base = core::ptr::addr_of!(__heap_base) as usize;
            let tail = (wasm32::memory_size(0) * PAGE_BYTES).saturating_sub(base);
            // SAFETY: nothing lives between the data's end and the memory's.
            talc.source.end = unsafe { talc.claim(base as *mut u8, tail) };
            if talc.source.end.is_some() {
                return Ok(());
            }
        }
        // Room for the allocation and Talc's bookkeeping around it; when it
        // extends the heap, the free space at its end counts as well.
        let pages = (layout.size() + layout.align() + 64).div_ceil(PAGE_BYTES);
        let previous = wasm32::memory_grow(0, pages);
        if previous == usize::MAX {
            return Err(());
        }
        let (start, end) = (previous * PAGE_BYTES, (previous + pages) * PAGE_BYTES);
        talc.source.end = match talc.source.end {
            // SAFETY: the new pages follow the heap's end directly.
            Some(old) if old.as_ptr() as usize == start => {
                Some(unsafe { talc.extend(old, end as *mut u8) })
            }
            // SAFETY: the new pages are the module's and unused.
            _ => unsafe { talc.claim(start as *mut u8, end - start) },
        };
        Ok(())
    }
}
