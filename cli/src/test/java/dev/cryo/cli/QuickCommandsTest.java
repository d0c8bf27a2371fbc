package dev.cryo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The quick reading of the commands QuickCommands knows agrees with picocli's, or leaves the line to it. */
class QuickCommandsTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "restore --image /tmp/img",
        "restore --image=/tmp/img -d --id box1",
        "--root /r --store=/s restore snap:latest --accept-changed-files --strace",
        "--root=/r restore --rootfs /srv/root --detach --image /i",
        "restore -- snap",
        "restore --image /i -- -odd-name",
        "checkpoint box --image /tmp/img",
        "checkpoint --leave-running box --name web:v1",
        "--store /s checkpoint box --name=web",
        "checkpoint -- -box",
        "run -- /bin/true",
        "run --env A=1 --env=B=2 --cwd /tmp --strace -- /bin/sh -c exit",
        "--root /r run -d --id web --rootfs=/srv --no-enosys-report -- prog --env -d --",
        "run --detach -- prog",
        "run -e A=1 -w /tmp -u 1000:1000 -- /bin/id",
        "run --workdir=/tmp --user=nobody --env=X=y -- /bin/id",
        "pause box", "--root /r resume box", "resume -- -box", "kill box", "kill box KILL", "kill box 9",
        "--root=/r kill -- box SIGUSR1",
        "ps", "ps -a", "--root /r ps --all --quiet", "ps -q -f json", "list --format=json -a",
        "delete box", "delete -f a b c", "rm --force box", "delete -- -box", "wait box", "wait -- -box"})
    void readsPlainFormsAsPicocliDoes(String line) throws Exception {
        String[] args = line.split(" ");
        Main quickMain = new Main();
        Callable<Integer> quick = QuickCommands.parse(quickMain, args);
        assertNotNull(quick, line);

        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.addSubcommand(quick.getClass().getDeclaredConstructor().newInstance());
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        Object picocli = parsed.subcommand().commandSpec().userObject();

        assertEquals(picocli.getClass(), quick.getClass(), line);
        assertEquals(values(picocli), values(quick), line);
        assertEquals(values(main), values(quickMain), line);
        Main parent = quick instanceof RunCommand r ? r.main : ((ControlCommand) quick).main;
        assertSame(quickMain, parent, "the command's parent");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "restore --help", "restore -h", "checkpoint -V", "checkpoint", "checkpoint a b", "restore a b",
        "restore --image", "restore --image -d", "restore --bogus", "restore -dx", "checkpoint box --name",
        "--root", "--root /r", "logs box", "snapshots", "restore --", "help restore", "restore --image /i --",
        "run /bin/true", "run --", "run --env -- prog", "run --help", "run -dx -- prog", "run --bogus -- prog",
        "pause", "pause a b", "pause --help", "resume", "resume -h", "kill", "kill box -9", "kill a b c",
        "kill --help",
        "ps -aq", "ps --bogus", "ps -f", "ps extra", "ps --help", "delete", "delete -f", "rm -fx box", "delete --help",
        "wait", "wait a b", "wait --help"})
    void leavesEverythingElseToPicocli(String line) {
        assertNull(QuickCommands.parse(new Main(), line.split(" ")), line);
    }

    /** The values of the fields picocli sets on {@code o}, in declaration order (superclasses first). */
    private static List<String> values(Object o) throws IllegalAccessException {
        List<Class<?>> classes = new ArrayList<>();
        for (Class<?> c = o.getClass(); c != Object.class; c = c.getSuperclass()) classes.add(0, c);
        List<String> values = new ArrayList<>();
        for (Class<?> c : classes) {
            for (Field f : c.getDeclaredFields()) {
                if (f.isAnnotationPresent(Option.class) || f.isAnnotationPresent(Parameters.class)) {
                    f.setAccessible(true);
                    values.add(f.getName() + "=" + f.get(o));
                }
            }
        }
        return values;
    }
}
