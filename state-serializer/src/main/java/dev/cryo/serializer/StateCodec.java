package dev.cryo.serializer;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.objenesis.instantiator.ObjectInstantiator;
import org.objenesis.instantiator.sun.UnsafeFactoryInstantiator;
import org.objenesis.strategy.InstantiatorStrategy;

/**
 * Turns the kernel object graph into bytes and back, with Kryo: references on (the graph has
 * cycles and shared objects), registration required (restore reads untrusted bytes and may only
 * build {@link ClassRegistry} classes), transient fields skipped and rebuilt by
 * {@link AfterLoad} hooks once the whole graph is read.
 *
 * <p>Work runs on a thread with a large stack: Kryo recurses per object, and a 2,000-node chain
 * overflows a 1 MiB stack (FIELD-NOTES). Not thread-safe; one codec per operation.
 */
public final class StateCodec {
    /** Stack of the codec thread: deep enough for chains of ~10^6 objects. */
    private static final long STACK_BYTES = 1L << 30;

    private final ClassRegistry registry;
    private final Kryo kryo = new Kryo();
    /** Objects read during the current load that have hooks. */
    private final List<AfterLoad> loaded = new ArrayList<>();

    public StateCodec(ClassRegistry registry) {
        this.registry = registry;
        kryo.setReferences(true);
        kryo.setRegistrationRequired(true);
        kryo.setInstantiatorStrategy(new Instantiators());
        // Each class's serializer is made when first used: a field serializer reflects over its
        // class, and of the ~360 registered classes a small program's graph uses a fraction; made
        // up front they were most of the codec's ~65 ms build, on every restore's critical path.
        for (Map.Entry<Integer, Class<?>> e : registry.entries().entrySet()) {
            if (kryo.getClassResolver().getRegistration(e.getValue()) != null) {
                kryo.register(e.getValue(), e.getKey()); // Kryo's own (String, the boxes): kept as they are
            } else {
                kryo.register(e.getValue(), new Lazy<>(e.getValue()), e.getKey());
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Serializer<?> serializerFor(Class<?> c) {
        if (AfterLoad.class.isAssignableFrom(c)) return new HookedSerializer<>(kryo, c, loaded);
        if (Collection.class.isAssignableFrom(c)) return new BoundedCollectionSerializer();
        if (Map.class.isAssignableFrom(c)) return new BoundedMapSerializer();
        return kryo.getDefaultSerializer(c);
    }

    /** A class's serializer, made on first use by {@link #serializerFor}. */
    private final class Lazy<T> extends Serializer<T> {
        private final Class<?> type;
        private Serializer<T> real;

        Lazy(Class<?> type) {
            this.type = type;
        }

        @SuppressWarnings("unchecked")
        private Serializer<T> real() {
            if (real == null) real = (Serializer<T>) serializerFor(type);
            return real;
        }

        @Override
        public void write(Kryo k, Output output, T object) {
            real().write(k, output, object);
        }

        @Override
        public T read(Kryo k, Input input, Class<? extends T> t) {
            return real().read(k, input, t);
        }

        @Override
        public T copy(Kryo k, T original) {
            return real().copy(k, original);
        }

        @Override
        public boolean getAcceptsNull() {
            return real().getAcceptsNull();
        }

        @Override
        public boolean isImmutable() {
            return real().isImmutable();
        }
    }

    /**
     * Makes every serializer now, for a codec that will save later (a hosting JVM's, made ahead
     * of its checkpoints): its first save then does not pay for them.
     */
    public void prepareAll() {
        for (Class<?> c : registry.entries().values()) {
            if (kryo.getRegistration(c).getSerializer() instanceof Lazy<?> lazy) lazy.real();
        }
    }

    public ClassRegistry registry() {
        return registry;
    }

    /** Serializes the graph under {@code root}. */
    public byte[] save(Object root) {
        return onBigStack(() -> {
            Output out = new Output(1 << 16, -1);
            kryo.writeClassAndObject(out, root);
            return out.toBytes();
        });
    }

    /**
     * Reads a graph and runs its after-load hooks with {@code env}. Any inconsistency in the
     * bytes is an {@link ImageException}; nothing half-built escapes.
     */
    public <T> T load(byte[] bytes, Class<T> type, Object env) throws ImageException {
        Object root;
        try {
            root = onBigStack(() -> {
                loaded.clear();
                Input in = new Input(bytes);
                Object r = kryo.readClassAndObject(in);
                if (in.position() != bytes.length) {
                    throw new KryoException((bytes.length - in.position()) + " trailing bytes");
                }
                return r;
            });
        } catch (KryoException | IllegalArgumentException | IllegalStateException | ClassCastException
                | IndexOutOfBoundsException | NegativeArraySizeException | OutOfMemoryError e) {
            throw new ImageException("kernel state is corrupt: " + e.getMessage(), e);
        }
        if (!type.isInstance(root)) {
            throw new ImageException("kernel state holds a " + (root == null ? "null" : root.getClass().getName())
                    + ", not a " + type.getName());
        }
        List<AfterLoad> hooks = new ArrayList<>(loaded);
        loaded.clear();
        hooks.sort(Comparator.comparingInt(AfterLoad::afterLoadPhase)); // stable: read order within a phase
        for (AfterLoad h : hooks) {
            h.afterLoad(env);
        }
        return type.cast(root);
    }

    private static <R> R onBigStack(java.util.function.Supplier<R> work) {
        AtomicReference<R> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(work.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "cryo-codec", STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KryoException("interrupted");
        }
        Throwable f = failure.get();
        if (f instanceof StackOverflowError) throw new KryoException("object graph too deep", f);
        if (f instanceof RuntimeException r) throw r;
        if (f instanceof Error err) throw err;
        return result.get();
    }

    /**
     * How objects are made on load: by their no-arg constructor if they have one, else without
     * running any (what a constructor would set up that is not saved is exactly what afterLoad
     * rebuilds). Plain reflection and {@code Unsafe.allocateInstance}, not Kryo's default
     * strategies: those generate a class per loaded class (reflectasm's constructor access,
     * the JDK's serialization constructor accessors), ~0.5 ms each on a restore's critical path.
     */
    private static final class Instantiators implements InstantiatorStrategy {
        @Override
        public <T> ObjectInstantiator<T> newInstantiatorOf(Class<T> type) {
            Constructor<T> c;
            try {
                c = type.getDeclaredConstructor();
                c.setAccessible(true);
            } catch (NoSuchMethodException | RuntimeException e) {
                return new UnsafeFactoryInstantiator<>(type);
            }
            return () -> {
                try {
                    return c.newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new KryoException("cannot make a " + type.getName() + ": " + e, e);
                }
            };
        }
    }

    /** Field serialization that remembers each object with a hook for after the load. */
    private static final class HookedSerializer<T> extends FieldSerializer<T> {
        private final List<AfterLoad> loaded;

        HookedSerializer(Kryo kryo, Class<T> type, List<AfterLoad> loaded) {
            super(kryo, type);
            this.loaded = loaded;
        }

        @Override
        public T read(Kryo kryo, Input input, Class<? extends T> type) {
            T obj = super.read(kryo, input, type);
            loaded.add((AfterLoad) obj);
            return obj;
        }
    }

    /** Caps the capacity a hostile size can make Kryo allocate before any element is read. */
    private static final class BoundedCollectionSerializer extends CollectionSerializer<Collection<Object>> {
        @Override
        protected Collection<Object> create(Kryo kryo, Input input, Class<? extends Collection<Object>> type, int size) {
            checkSize(input, size);
            return super.create(kryo, input, type, Math.min(size, 1024));
        }
    }

    private static final class BoundedMapSerializer extends MapSerializer<Map<Object, Object>> {
        @Override
        protected Map<Object, Object> create(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type, int size) {
            checkSize(input, size);
            return super.create(kryo, input, type, Math.min(size, 1024));
        }
    }

    /** Every element takes at least one byte: a size beyond what is left is a lie. */
    private static void checkSize(Input input, int size) {
        if (size < 0 || size > input.limit() - input.position()) {
            throw new KryoException("collection of " + size + " elements in " + (input.limit() - input.position()) + " bytes");
        }
    }
}
