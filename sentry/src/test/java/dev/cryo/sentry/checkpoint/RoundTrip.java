package dev.cryo.sentry.checkpoint;

import dev.cryo.serializer.ImageException;
import dev.cryo.serializer.StateCodec;

/** Saves an object graph with the Sentry's registry and loads it back, hooks run (env null). */
final class RoundTrip {
    private RoundTrip() {}

    @SuppressWarnings("unchecked")
    static <T> T of(T obj) {
        byte[] bytes = new StateCodec(SentryClasses.registry()).save(obj);
        try {
            return (T) new StateCodec(SentryClasses.registry()).load(bytes, obj.getClass(), null);
        } catch (ImageException e) {
            throw new AssertionError(e);
        }
    }
}
