/**
 * Files without a path (Linux's anon_inode files): eventfd counters and timerfd timers. Each is
 * plain saved state; a timer's expiries are counted from its deadline whenever it is looked
 * at, so no thread of its own runs and a restored timer simply goes on from its clock.
 */
package dev.cryo.sentry.fs.anon;
