package dev.cryo.serializer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.KryoException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StateCodecTest {
    @Savable
    static final class Node implements AfterLoad {
        int value;
        Node next;
        Node back;
        TreeMap<Long, Node> index = new TreeMap<>();
        @Rebuilt("recomputed from value in afterLoad")
        transient int doubled;
        @Rebuilt("set by afterLoad from the environment")
        transient String env;
        @Rebuilt("phase log for the test")
        transient List<String> log;

        @Override
        public void afterLoad(Object e) {
            doubled = value * 2;
            env = String.valueOf(e);
            if (log != null) log.add("node" + value);
        }
    }

    @Savable
    static final class Late implements AfterLoad {
        Node first;
        @Rebuilt("test log")
        transient List<String> log;

        @Override
        public void afterLoad(Object env) {
            // Phase 1 runs after every phase-0 node: their transient state is already rebuilt.
            log = new ArrayList<>();
            log.add("late sees doubled=" + first.doubled);
        }

        @Override
        public int afterLoadPhase() {
            return 1;
        }
    }

    /** No no-arg constructor: made without running one. */
    @Savable
    static final class Fixed {
        final int v;
        final Node node;

        Fixed(int v, Node node) {
            this.v = v;
            this.node = node;
        }
    }

    /** A no-arg constructor: it runs on load, so what it sets up that is not saved is there. */
    @Savable
    static final class Built {
        int saved;
        @Rebuilt("set by the constructor")
        transient List<String> scratch;

        Built() {
            scratch = new ArrayList<>();
        }
    }

    static final class Unregistered {
        int x;
    }

    private static ClassRegistry registry() {
        return ClassRegistry.withJdkTypes().register(100, Node.class).register(101, Late.class)
                .register(102, Fixed.class).register(103, Built.class);
    }

    @Test
    void aCodecPreparedAheadWritesWhatALazyOneReads() throws Exception {
        Node n = new Node();
        n.value = 5;
        Fixed f = new Fixed(9, n);
        StateCodec prepared = new StateCodec(registry());
        prepared.prepareAll();
        byte[] bytes = prepared.save(f);
        assertEquals(java.util.Arrays.toString(new StateCodec(registry()).save(f)), java.util.Arrays.toString(bytes));
        Fixed r = new StateCodec(registry()).load(bytes, Fixed.class, null);
        assertEquals(9, r.v);
        assertEquals(10, r.node.doubled, "the hook ran");
    }

    @Test
    void aNoArgConstructorRunsOnLoad() throws Exception {
        Built b = new Built();
        b.saved = 3;
        Built r = new StateCodec(registry()).load(new StateCodec(registry()).save(b), Built.class, null);
        assertEquals(3, r.saved);
        assertEquals(List.of(), r.scratch);
    }

    @Test
    void cyclesAndSharedObjectsRoundTripAndHooksRun() throws Exception {
        Node a = new Node(), b = new Node();
        a.value = 1;
        b.value = 2;
        a.next = b;
        b.back = a;
        a.index.put(7L, b);
        byte[] bytes = new StateCodec(registry()).save(a);
        Node r = new StateCodec(registry()).load(bytes, Node.class, "env!");
        assertSame(r, r.next.back, "cycle kept");
        assertSame(r.next, r.index.get(7L), "shared object kept once");
        assertEquals(2, r.doubled);
        assertEquals(4, r.next.doubled);
        assertEquals("env!", r.next.env);
    }

    @Test
    void hooksRunInPhaseOrder() throws Exception {
        Late late = new Late();
        late.first = new Node();
        late.first.value = 21;
        Late r = new StateCodec(registry()).load(new StateCodec(registry()).save(late), Late.class, null);
        assertEquals(List.of("late sees doubled=42"), r.log);
    }

    @Test
    void deepChainsDoNotOverflow() throws Exception {
        Node head = new Node();
        Node n = head;
        for (int i = 1; i < 100_000; i++) {
            n.next = new Node();
            n.next.value = i;
            n = n.next;
        }
        Node r = new StateCodec(registry()).load(new StateCodec(registry()).save(head), Node.class, null);
        int count = 0;
        for (Node k = r; k != null; k = k.next) count++;
        assertEquals(100_000, count);
    }

    @Test
    void unregisteredClassesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StateCodec(registry()).save(new Unregistered()));
    }

    @Test
    void corruptBytesGiveImageExceptionNeverAnythingElse() throws Exception {
        Node a = new Node();
        a.value = 5;
        a.next = new Node();
        a.index.put(1L, a.next);
        byte[] good = new StateCodec(registry()).save(a);
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] bad = good.clone();
            int mode = i % 3;
            if (mode == 0) bad[rnd.nextInt(bad.length)] ^= (byte) (1 + rnd.nextInt(255));
            if (mode == 1) bad = java.util.Arrays.copyOf(bad, rnd.nextInt(bad.length));
            if (mode == 2) {
                bad = new byte[1 + rnd.nextInt(64)];
                rnd.nextBytes(bad);
            }
            byte[] input = bad;
            try {
                new StateCodec(registry()).load(input, Node.class, null);
            } catch (ImageException expected) {
                // refused cleanly
            }
        }
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThrows(ImageException.class, () -> new StateCodec(registry()).load(trailing, Node.class, null));
    }

    @Test
    void aHugeDeclaredCollectionIsRefusedWithoutAllocating() {
        // ArrayList (registered id 31) declaring 2^30 elements in a few bytes.
        byte[] hostile = {(byte) (31 + 2), (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04};
        ImageException e = assertThrows(ImageException.class,
                () -> new StateCodec(registry()).load(hostile, Object.class, null));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void kryoRefusesUnknownClassIds() {
        byte[] hostile = {(byte) (99 + 2), 0};
        assertThrows(ImageException.class, () -> new StateCodec(registry()).load(hostile, Object.class, null));
        assertTrue(KryoException.class.getName().startsWith("com.esotericsoftware"));
    }
}
