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

    /** Id to class, in id order. */
    public Map<Integer, Class<?>> entries() {
        return Collections.unmodifiableMap(byId);
    }
}
