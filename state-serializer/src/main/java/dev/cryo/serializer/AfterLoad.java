package dev.cryo.serializer;

/**
 * Implemented by savable objects that rebuild transient state after the whole graph has been
 * read (host handles, platform objects, locks). Hooks run once, after the last object is read,
 * in ascending {@link #afterLoadPhase()} (and, within a phase, in the order objects were read),
 * so an object may rely on everything of a lower phase being rebuilt.
 */
public interface AfterLoad {
    /** Called once per loaded object; {@code env} is what the restorer passed to the codec. */
    void afterLoad(Object env);

    /** Lower phases run first. */
    default int afterLoadPhase() {
        return 0;
    }
}
