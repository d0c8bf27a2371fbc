package dev.cryo.serializer;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks that a graph rooted at a class can be saved and restored: walks every class reachable
 * through field types (and their type arguments) and reports each concrete class that is not
 * registered, each registered class of ours that is not {@link Savable}, and each field that is
 * neither saved nor transient with a {@link Rebuilt} reason. Abstract types are checked through
 * their registered subclasses, which the walk visits too.
 */
public final class SavableChecker {
    private final ClassRegistry registry;
    private final String ownPackage;

    /** @param ownPackage the package prefix of classes that must be {@link Savable} ("dev.cryo.") */
    public SavableChecker(ClassRegistry registry, String ownPackage) {
        this.registry = registry;
        this.ownPackage = ownPackage;
    }

    /** Problems found walking from {@code root} and every registered class; empty when all is well. */
    public List<String> check(Class<?> root) {
        List<String> problems = new ArrayList<>();
        Set<Class<?>> seen = new HashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>();
        todo.add(root);
        todo.addAll(registry.entries().values());
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (!seen.add(c) || c.isPrimitive() || c == String.class) continue;
            if (c.isArray()) {
                todo.add(c.getComponentType());
                if (!c.getComponentType().isPrimitive() && !registry.contains(c) && !registry.contains(Object[].class)) {
                    problems.add("array type not registered: " + c.getTypeName());
                }
                continue;
            }
            boolean concrete = !c.isInterface() && !Modifier.isAbstract(c.getModifiers());
            if (concrete && !registry.contains(c) && c != Object.class) {
                problems.add("class not registered: " + c.getName());
            }
            if (!c.getName().startsWith(ownPackage)) continue; // JDK types: contents checked via type arguments
            if (!c.isEnum() && c.getAnnotation(Savable.class) == null && !c.isInterface()) {
                problems.add("class not marked @Savable: " + c.getName());
            }
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                if (k != c) todo.add(k);
                for (Field f : k.getDeclaredFields()) {
                    int m = f.getModifiers();
                    if (Modifier.isStatic(m) || f.isSynthetic() || k.isEnum()) continue;
                    if (Modifier.isTransient(m)) {
                        if (f.getAnnotation(Rebuilt.class) == null) {
                            problems.add("transient field without @Rebuilt: " + k.getName() + "." + f.getName());
                        }
                        continue;
                    }
                    if (f.getType() == Object.class) {
                        problems.add("field of type Object cannot be checked: " + k.getName() + "." + f.getName());
                    }
                    addTypes(f.getGenericType(), todo);
                }
            }
        }
        return problems;
    }

    private static void addTypes(Type t, Deque<Class<?>> todo) {
        if (t instanceof Class<?> c) {
            todo.add(c);
        } else if (t instanceof ParameterizedType p) {
            addTypes(p.getRawType(), todo);
            for (Type a : p.getActualTypeArguments()) addTypes(a, todo);
        } else if (t instanceof GenericArrayType g) {
            addTypes(g.getGenericComponentType(), todo);
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) addTypes(b, todo);
        }
    }
}
