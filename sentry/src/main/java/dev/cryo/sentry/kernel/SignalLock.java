package dev.cryo.sentry.kernel;

import dev.cryo.serializer.Savable;

/**
 * The monitor that guards all signal state of a kernel: pending queues, masks, dispositions,
 * group stops and timers (Linux has one siglock per sighand; one per kernel is simpler and
 * enough here). Saved so that it exists after a restore; it has no state.
 *
 * <p>Lock order: the Kernel's monitor, then this. Nothing that holds this takes the Kernel's
 * monitor or blocks.
 */
@Savable
public final class SignalLock {}
