package dev.cryo.serializer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one list of classes an image may contain, each with a stable id. Bytes from an image can
 * only ever become these classes (Kryo's registration-required mode); ids never change meaning
 * once released, so old images keep reading. Ids below {@link #FIRST_USER_ID} are Cryo's
 * registrations of JDK types.
 */
public final class ClassRegistry {
    public static final int FIRST_USER_ID = 100;

    private final Map<Integer, Class<?>> byId = new TreeMap<>();
    private final Map<Class<?>, Integer> byClass = new HashMap<>();
    /** The last {@link #fingerprint()}, until the next registration: reflection over ~200 classes costs ms. */
    private volatile String fingerprint;

    /** A registry holding the JDK types saved state may use: plain collections and arrays. */
    public static ClassRegistry withJdkTypes() {
        ClassRegistry r = new ClassRegistry();
        int id = 20;
        for (Class<?> c : List.of(byte[].class, short[].class, int[].class, long[].class,
                char[].class, boolean[].class, double[].class, String[].class, Object[].class,
                long[][].class, int[][].class, ArrayList.class, HashMap.class, TreeMap.class,
                LinkedHashMap.class, java.util.HashSet.class, java.util.TreeSet.class,
                java.util.ArrayDeque.class, java.util.LinkedList.class, java.util.BitSet.class,
                Boolean.class, Byte.class, Short.class, Character.class, Integer.class, Long.class,
                Float.class, Double.class)) {
            r.register(id++, c);
        }
        return r;
    }

    /** Registers {@code type} under {@code id}; a duplicate id or class is an error. */
    public ClassRegistry register(int id, Class<?> type) {
        if (id < 20) throw new IllegalArgumentException("ids below 20 are Kryo's: " + id);
        fingerprint = null;
        Class<?> old = byId.putIfAbsent(id, type);
        if (old != null) throw new IllegalStateException("id " + id + " is both " + old.getName() + " and " + type.getName());
        Integer oldId = byClass.putIfAbsent(type, id);
        if (oldId != null) {
            byId.remove(id);
            throw new IllegalStateException(type.getName() + " registered as " + oldId + " and " + id);
        }
        return this;
    }

    public boolean contains(Class<?> type) {
        return byClass.containsKey(type);
    }

    public Integer idOf(Class<?> type) {
        return byClass.get(type);
    }

    /**
     * A digest of the saved layout: every registered class by id, with the names and types of
     * the fields it saves (non-static, non-transient, superclasses included). Two builds read
     * each other's images only if their fingerprints agree; an image records the one it was
     * written with, so a restore can refuse a foreign layout with a clear message instead of
     * misreading it.
     */
    public String fingerprint() {
        String f = fingerprint;
        if (f == null) fingerprint = f = computeFingerprint();
        return f;
    }

    private String computeFingerprint() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Integer, Class<?>> e : byId.entrySet()) {
            sb.append(e.getKey()).append(' ').append(e.getValue().getName()).append('\n');
            if (e.getValue().getName().startsWith("java.") || e.getValue().isArray()) continue;
            for (Class<?> k = e.getValue(); k != null && k != Object.class; k = k.getSuperclass()) {
                java.lang.reflect.Field[] fields = k.getDeclaredFields();
                java.util.Arrays.sort(fields, java.util.Comparator.comparing(java.lang.reflect.Field::getName));
                for (java.lang.reflect.Field f : fields) {
                    int m = f.getModifiers();
                    if (java.lang.reflect.Modifier.isStatic(m) || java.lang.reflect.Modifier.isTransient(m)) continue;
                    sb.append("  ").append(f.getName()).append(':').append(f.getGenericType().getTypeName()).append('\n');
                }
            }
        }
        // Not a cryptographic digest: it tells builds apart, it does not authenticate images
        // (their sections carry checksums, and restore trusts nothing in them). Two independent
        // 64-bit hashes; SHA-256's first use cost ~10 ms of every restore (security providers).
        byte[] bytes = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long fnv = 0xcbf29ce484222325L;
        long poly = 0;
        for (byte b : bytes) {
            fnv = (fnv ^ (b & 0xff)) * 0x100000001b3L;
            poly = poly * 31 + (b & 0xff);
        }
        java.util.HexFormat hex = java.util.HexFormat.of();
        return hex.toHexDigits(fnv) + hex.toHexDigits((int) (poly ^ (poly >>> 32)));
    }

    /** Id to class, in id order. */
    public Map<Integer, Class<?>> entries() {
        return Collections.unmodifiableMap(byId);
    }
}
