//! Which source a worker takes next: the largest that fits in the memory budget.
//!
//! Analysing a file holds memory in proportion to its size (its syntax tree is 15–40 times the text), and the
//! time it takes grows with it too. Taken in the order they were found, a generated 12 MB bundle may start last
//! and run alone while the other workers idle; two such bundles may run at once and double the peak memory.
//! So the workers take the largest source first, and a source starts only while the bytes of the sources in
//! flight stay within a budget: room for the largest source plus a little for each worker. While a giant runs,
//! the other workers go on with the largest files that still fit.

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::sync::{Condvar, Mutex, MutexGuard};

/// Room for each worker besides the largest source: files under this never wait for each other.
const BYTES_PER_WORKER: u64 = 2 * 1024 * 1024;

/// The queue of sources, by index into the caller's list, and the bytes in flight.
pub struct Schedule {
    state: Mutex<State>,
    finished: Condvar,
    budget: u64,
}

struct State {
    /// Waiting sources, largest first (ties in the caller's order).
    waiting: BTreeSet<(Reverse<u64>, usize)>,
    in_flight: u64,
}

/// A source a worker took; its room is given back when the ticket is dropped, even by a panic.
pub struct Ticket<'a> {
    pub index: usize,
    size: u64,
    schedule: &'a Schedule,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut state = self.schedule.lock();
        state.in_flight -= self.size;
        drop(state);
        self.schedule.finished.notify_all();
    }
}

impl Schedule {
    pub fn new(sizes: &[u64], workers: usize) -> Self {
        let largest = sizes.iter().copied().max().unwrap_or(0);
        let waiting = sizes.iter().enumerate().map(|(index, &size)| (Reverse(size), index)).collect();
        Schedule {
            state: Mutex::new(State { waiting, in_flight: 0 }),
            finished: Condvar::new(),
            budget: largest.saturating_add(BYTES_PER_WORKER.saturating_mul(workers as u64)),
        }
    }

    /// The largest waiting source that fits beside the ones in flight, waiting for room when none does; `None`
    /// when every source has been taken.
    pub fn next(&self) -> Option<Ticket<'_>> {
        let mut state = self.lock();
        loop {
            let room = self.budget.saturating_sub(state.in_flight);
            // Sizes are keyed `Reverse`d: the first key at or after `room` is the largest size within it.
            let fitting = state.waiting.range((Reverse(room), 0)..).next().copied();
            let chosen = match fitting {
                Some(entry) => entry,
                None if state.waiting.is_empty() => return None,
                // Nothing in flight: the budget fits the largest source, so this cannot happen; take it anyway.
                None if state.in_flight == 0 => *state.waiting.iter().next()?,
                None => {
                    state = self.finished.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
                    continue;
                }
            };
            state.waiting.remove(&chosen);
            let (Reverse(size), index) = chosen;
            state.in_flight += size;
            return Some(Ticket { index, size, schedule: self });
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A worker that panicked while holding the lock left consistent counts: updates are single statements.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    /// Takes every source at once, holding all the tickets.
    fn take_all(schedule: &Schedule) -> Vec<usize> {
        let mut tickets = Vec::new();
        while let Some(ticket) = schedule.next() {
            tickets.push(ticket);
        }
        tickets.iter().map(|ticket| ticket.index).collect()
    }

    #[test]
    fn largest_first_ties_in_order() {
        let schedule = Schedule::new(&[10, 30, 20, 30], 1);
        let order: Vec<usize> = std::iter::from_fn(|| {
            let ticket = schedule.next()?;
            Some(ticket.index)
        })
        .collect();
        assert_eq!(order, [1, 3, 2, 0]);
    }

    #[test]
    fn a_giant_leaves_room_only_for_small_files() {
        // Budget: 12 MiB + 2 × 2 MiB. With the 12 MiB file in flight the 9 MiB one waits, the small ones run.
        let schedule = Schedule::new(&[MIB, 12 * MIB, 9 * MIB, MIB, MIB], 2);
        let giant = schedule.next().expect("a source");
        assert_eq!(giant.index, 1);
        let small = take_all_fitting(&schedule);
        assert_eq!(small.iter().map(|ticket| ticket.index).collect::<Vec<_>>(), [0, 3, 4]);
        drop(giant);
        assert_eq!(schedule.next().map(|ticket| ticket.index), Some(2));
    }

    /// Takes sources while one fits without waiting (the state is inspected, never blocked on).
    fn take_all_fitting(schedule: &Schedule) -> Vec<Ticket<'_>> {
        let mut taken = Vec::new();
        loop {
            let state = schedule.lock();
            let room = schedule.budget - state.in_flight;
            let fits = state.waiting.range((Reverse(room), 0)..).next().is_some();
            drop(state);
            if !fits {
                return taken;
            }
            taken.extend(schedule.next());
        }
    }

    #[test]
    fn ends_when_everything_is_taken() {
        let schedule = Schedule::new(&[], 4);
        assert!(take_all(&schedule).is_empty());
        let schedule = Schedule::new(&[0, 0], 4);
        assert_eq!(take_all(&schedule), [0, 1]);
    }
}
