package dev.cryo.compat;

import static dev.cryo.compat.Differential.Normalizer.NONE;
import static dev.cryo.compat.Differential.Streams.STDOUT_AND_STDERR;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of real-program cases (issue #6): busybox applets that need no fork, each with
 * arguments that exercise its reading, parsing and output, byte-identical natively and under
 * cryo, in every variant (plain, checkpointed and restored, left running). $LINES is a 150,000
 * line text file, $TREE a directory tree; both are generated. Two cases run at once (see
 * junit-platform.properties).
 */
class BusyboxAppletsTest {
    static Stream<String> cases() {
        return Stream.of(
                "basename /usr/share/doc/readme.txt .txt",
                "dirname /usr/share/doc/readme.txt",
                "expr 6 * 7 + 100 / 3",
                "expr length hello-world",
                "printf %s-%05d-%x-%o\\n abc 42 255 8",
                "echo -e a\\tb\\\\n",
                "echo -n no newline",
                "true",
                "false",
                "head -n 25 $LINES",
                "tail -n 25 $LINES",
                "tail -c 300 $LINES",
                "head -c 1000 $LINES",
                "cut -d  -f2 $LINES",
                "cut -c 1-5 $LINES",
                "sort -k2,2n $LINES",
                "sort -f -u $LINES",
                "sort -r $LINES",
                "uniq -c $LINES",
                "wc -l $LINES",
                "wc -w -c $LINES",
                "grep -c GPL $LINES",
                "grep -n -i ECHO $LINES",
                "grep -v -c alpha $LINES",
                "grep -E ^(alpha|kilo) [0-9]{3}\\s $LINES",
                "cat -n $LINES",
                "tac $LINES",
                "rev $LINES",
                "nl $LINES",
                "fold -w 7 $LINES",
                "expand $LINES",
                "od -A x -t x1z -N 512 $LINES",
                "hexdump -C -n 512 $LINES",
                "xxd -l 256 $LINES",
                "base64 $LINES",
                "md5sum $LINES",
                "sha1sum $LINES",
                "sha512sum $LINES",
                "cksum $LINES",
                "sum $LINES",
                "strings -n 8 /bin/busybox",
                "sed -n 100,120p $LINES",
                "sed s/alpha/ALPHA/g $LINES",
                "awk {n+=$2} END {print n, NR} $LINES",
                "awk -F  $3==\"kilo\" {c++} END {print c} $LINES",
                "tr a-z A-Z",
                "ls -l $TREE",
                "ls -laR $TREE",
                "ls -1 --color=never /usr/share",
                "find $TREE -type f -name *.txt",
                "find $TREE -type d",
                "find $TREE -size +1k",
                "du -a $TREE",
                "stat -c %n-%s-%F-%h $TREE",
                "readlink -f $TREE/link-to-d0",
                "realpath $TREE/d0/../d0",
                "grep -r -l GPL $TREE",
                "grep -r -c GPL $TREE",
                "cmp $LINES $LINES",
                "diff $TREE/d0/file-0.txt $TREE/d0/file-1.txt",
                "factor 600851475143",
                "seq -s , 1 3 100",
                "seq -w 0.5 0.25 3",
                "env",
                "pwd",
                "id -u",
                "uname -s -m",
                "test -d /usr",
                "test -f /nonexistent",
                "ls /nonexistent",
                "cat /nonexistent",
                "wc -l /etc/passwd /etc/group",
                "sort /etc/passwd",
                "head -n 3 /usr/share/common-licenses/GPL-3",
                // more applets over system files, compressors, dates and the fixtures (issue #6)
                "cat /etc/passwd /etc/group",
                "cut -d : -f 1,7 /etc/passwd",
                "sort -t : -k 3,3n /etc/passwd",
                "awk -F: {print $1} /etc/passwd",
                "head -c 4096 /bin/busybox",
                "sha256sum /bin/busybox",
                "od -t x4 -N 64 /bin/busybox",
                "wc -c /bin/busybox",
                "stat -c %s-%a-%U /etc/passwd",
                "stat -f -c %T /",
                "du -s /usr/share/common-licenses",
                "ls -lR /usr/share/doc/busybox-static",
                "uniq -d $LINES",
                "paste /etc/passwd /etc/group",
                "expand -t 4 $LINES",
                "unexpand -a /etc/passwd",
                "whoami",
                "date -d @0 -u",
                "cal 1 2000",
                "sleep 0.1",
                "usleep 1000",
                "ls -l /bin/busybox",
                "readlink /etc/os-release",
                "grep -F -x root:x:0:0:root:/root:/bin/bash /etc/passwd",
                "sed -n $= $LINES",
                "wc -L $LINES",
                "tail -n +149990 $LINES",
                "cut -b 1-3 $LINES",
                "sort -c $LINES",
                "sort -s -k1,1 $LINES",
                "od -c -N 100 $LINES",
                "xxd -p -l 64 /bin/busybox",
                "gzip -c -1 /etc/passwd",
                "gzip -c -9 $TREE/d0/file-0.txt",
                "bzip2 -c /etc/passwd",
                "busybox --list",
                "[ -x /bin/busybox ]",
                "expr substr hello 2 3",
                "printf %d\\n 0x1f",
                "md5sum /etc/passwd /etc/group /etc/hostname",
                "crc32 /etc/passwd",
                "ls -lS /usr/share/common-licenses",
                "ls -lt --full-time /usr/share/common-licenses",
                "find /usr/share/common-licenses -maxdepth 1 -name GPL*",
                "find $TREE -empty",
                "find $TREE -type l",
                "wc $TREE/d0/file-0.txt $TREE/d1/file-2.txt",
                "head -n 5 $TREE/d0/file-0.txt $TREE/d1/file-2.txt",
                "sum -s /bin/busybox",
                "cksum /bin/busybox",
                "sha3sum /etc/passwd",
                "strings -a -t x -n 12 /bin/busybox",
                "fold -s -w 20 /etc/passwd",
                "ls -la /usr/share/common-licenses",
                "od -N 16 -A n -t x1 /dev/zero",
                "wc -c /dev/null",
                "tail -c 64 /bin/busybox",
                "stat -c %n-%s-%h /usr/share/common-licenses/GPL-2");
    }

    // Concurrent inside the method only: the class keeps its place in the class order, so
    // that CompatibilityReportTest still runs after it (a concurrent class would not).
    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "busybox {0}")
    @MethodSource("cases")
    void appletMatchesLinux(String line) {
        List<String> argv = new ArrayList<>();
        argv.add(CompatEnv.busybox());
        for (String a : line.split(" ")) {
            argv.add(a.replace("$LINES", Fixtures.linesFile().toString()).replace("$TREE", Fixtures.tree().toString()));
        }
        String name = "bb-" + line.replaceAll("[^A-Za-z0-9]+", "-");
        if (name.length() > 60) name = name.substring(0, 60) + "-" + Integer.toHexString(line.hashCode());
        Differential.same(Program.of(name, argv.toArray(new String[0])), STDOUT_AND_STDERR, NONE);
    }
}
