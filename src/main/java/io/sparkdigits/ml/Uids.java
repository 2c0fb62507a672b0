package io.sparkdigits.ml;

import org.apache.spark.ml.util.Identifiable$;

/**
 * Hands a stage its uid before its Java constructor body runs. Spark's Scala superclasses build
 * their Params (featuresCol, ...) in their constructors and stamp each with {@code uid()}, which a
 * Java subclass can only answer from a field it has not set yet. The constructor taking a uid
 * stashes it here first; {@code uid()} claims it on its first call.
 */
final class Uids {
    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    private Uids() {
    }

    /** Stashes {@code uid} for the stage about to be built on this thread; returns null for use as an argument. */
    static Void stash(String uid) {
        PENDING.set(uid);
        return null;
    }

    /** The stashed uid, or a new random one with {@code prefix}. */
    static String claim(String prefix) {
        String uid = PENDING.get();
        PENDING.remove();
        return uid != null ? uid : Identifiable$.MODULE$.randomUID(prefix);
    }
}
