//! Sign-in throttling, per node and in memory, on the real clock (a security instant): each
//! client address may fail [`FREE_FAILURES`] times, then waits a doubling back-off (15 s, 30 s,
//! 1 min … at most [`MAX_BACKOFF`]) before each further attempt; and when more than
//! [`GLOBAL_LIMIT`] attempts failed on this node in the last [`GLOBAL_WINDOW`] (password
//! spraying from many addresses), every attempt waits until the window clears. Both are
//! checked before the account is looked up, so the answer says nothing about which accounts
//! exist; and an address is slowed down long before it could lock an account out
//! (`lockout_threshold` failures). Behind a reverse proxy every client shares its address. A
//! request without a client address (only in-process calls, such as the tests', have none) is
//! not throttled.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures an address may make before it is slowed down.
pub const FREE_FAILURES: u32 = 5;
/// The first wait of an address past its free failures; each further failure doubles it.
pub const FIRST_BACKOFF: Duration = Duration::from_secs(15);
/// The longest wait between two attempts of one address.
pub const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);
/// An address that has not failed for this long starts afresh.
pub const FORGET_AFTER: Duration = Duration::from_secs(30 * 60);
/// Failed attempts on one node within [`GLOBAL_WINDOW`] that stop all sign-ins for a while.
pub const GLOBAL_LIMIT: usize = 60;
pub const GLOBAL_WINDOW: Duration = Duration::from_secs(60);
/// Addresses remembered at most (the oldest are forgotten first).
const MAX_ADDRESSES: usize = 100_000;

#[derive(Default)]
pub struct LoginThrottle {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    addresses: HashMap<String, Address>,
    recent: VecDeque<Instant>,
}

struct Address {
    failures: u32,
    last: Instant,
}

/// The wait after `failures` failures of one address.
pub fn backoff(failures: u32) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::ZERO;
    }
    let exp = (failures - FREE_FAILURES).min(16);
    (FIRST_BACKOFF * (1u32 << exp)).min(MAX_BACKOFF)
}

/// Whole seconds, rounded up, at least one.
fn seconds(d: Duration) -> u64 {
    (d.as_millis().div_ceil(1000) as u64).max(1)
}

impl LoginThrottle {
    /// `Err(seconds to wait)` when an attempt from `addr` must wait.
    pub fn check(&self, addr: Option<&str>, now: Instant) -> Result<(), u64> {
        let Some(k) = addr else {
            return Ok(());
        };
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while s
            .recent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= GLOBAL_WINDOW)
        {
            s.recent.pop_front();
        }
        if s.recent.len() >= GLOBAL_LIMIT
            && let Some(first) = s.recent.front()
        {
            return Err(seconds(
                GLOBAL_WINDOW.saturating_sub(now.saturating_duration_since(*first)),
            ));
        }
        let Some(a) = s.addresses.get(k) else {
            return Ok(());
        };
        let since = now.saturating_duration_since(a.last);
        if since >= FORGET_AFTER {
            s.addresses.remove(k);
            return Ok(());
        }
        let wait = backoff(a.failures);
        if since < wait {
            return Err(seconds(wait - since));
        }
        Ok(())
    }

    /// A failed attempt from `addr`.
    pub fn failed(&self, addr: Option<&str>, now: Instant) {
        let Some(k) = addr else {
            return;
        };
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.recent.push_back(now);
        if s.addresses.len() >= MAX_ADDRESSES {
            let oldest = s
                .addresses
                .iter()
                .min_by_key(|(_, a)| a.last)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                s.addresses.remove(&k);
            }
        }
        let a = s.addresses.entry(k.to_string()).or_insert(Address {
            failures: 0,
            last: now,
        });
        a.failures += 1;
        a.last = now;
    }

    /// A successful sign-in from `addr`: its failures are forgotten.
    pub fn succeeded(&self, addr: Option<&str>) {
        if let Some(k) = addr {
            let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            s.addresses.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_backs_off_after_its_free_failures_and_is_forgotten_later() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        let a = Some("10.0.0.1");
        for i in 0..FREE_FAILURES {
            assert_eq!(t.check(a, start), Ok(()), "failure {i} is free");
            t.failed(a, start);
        }
        assert_eq!(t.check(a, start), Err(15));
        assert_eq!(
            t.check(Some("10.0.0.2"), start),
            Ok(()),
            "other addresses are free"
        );
        let later = start + FIRST_BACKOFF;
        assert_eq!(t.check(a, later), Ok(()));
        t.failed(a, later);
        assert_eq!(t.check(a, later), Err(30));
        for _ in 0..30 {
            t.failed(a, later);
        }
        assert_eq!(t.check(a, later), Err(MAX_BACKOFF.as_secs()));
        assert_eq!(t.check(a, later + FORGET_AFTER), Ok(()));
        t.failed(a, later + FORGET_AFTER);
        assert_eq!(
            t.check(a, later + FORGET_AFTER),
            Ok(()),
            "counting starts afresh"
        );
        t.succeeded(a);
    }

    #[test]
    fn spraying_from_many_addresses_stops_every_sign_in_for_the_window() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        for i in 0..GLOBAL_LIMIT {
            t.failed(Some(&format!("10.1.{}.{}", i / 200, i % 200)), start);
        }
        assert_eq!(
            t.check(Some("192.168.1.1"), start),
            Err(GLOBAL_WINDOW.as_secs())
        );
        let later = start + GLOBAL_WINDOW;
        assert_eq!(t.check(Some("192.168.1.1"), later), Ok(()));
    }

    #[test]
    fn one_address_is_slowed_long_before_it_could_lock_an_account() {
        // To reach 10 failures (the lockout threshold) one address waits 15+30+60+120+240 s.
        let waited: u64 = (FREE_FAILURES..10).map(|n| backoff(n).as_secs()).sum();
        assert_eq!(waited, 465);
        assert_eq!(backoff(FREE_FAILURES - 1), Duration::ZERO);
    }
}
