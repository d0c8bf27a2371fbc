package dev.cryo.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Asks a hosting JVM to act on its sandbox through the control socket. The protocol (see
 * {@link ControlServer}): one request per connection, a line {@code VERB [ARGS]}; the answer is
 * {@code ok} or {@code error MESSAGE}, then the server closes the connection.
 */
final class ControlClient {
    private ControlClient() {}

    /**
     * Sends {@code request} to the sandbox whose directory is {@code dir}; returns normally on
     * {@code ok}. A refusal is a CryoException with the server's message; an unreachable
     * socket (the JVM died or is exiting) is an IOException.
     */
    /** Sends {@code request}; returns what followed "ok" in the answer ("" if nothing). */
    static String call(Path dir, String id, String request) throws IOException {
        try (SocketChannel ch = connect(dir)) {
            ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String answer = in.readLine();
            if (answer == null) throw new IOException("sandbox " + id + " exited before it answered");
            if (answer.equals("ok")) return "";
            if (answer.startsWith("ok ")) return answer.substring(3);
            if (answer.startsWith("error ")) throw new CryoException(answer.substring(6));
            throw new IOException("sandbox " + id + " answered '" + answer + "'");
        }
    }

    /**
     * Blocks until the hosting JVM exits: it never answers a {@code wait}, and the kernel closes
     * the connection when the process ends, however it ends.
     */
    static void awaitExit(Path dir) throws IOException {
        try (SocketChannel ch = connect(dir)) {
            ch.write(ByteBuffer.wrap("wait\n".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buf = ByteBuffer.allocate(64);
            while (ch.read(buf) >= 0) buf.clear();
        }
    }

    private static SocketChannel connect(Path dir) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve(StateDir.SOCKET)));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return ch;
    }
}
