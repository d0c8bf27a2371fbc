package dev.cryo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTripsWhatTheStateFileHolds() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "a\"b\\c\n\u0001é");
        m.put("pid", 123L);
        m.put("neg", -5L);
        m.put("command", List.of("sh", "-c", "echo 'hi there'"));
        m.put("none", null);
        m.put("yes", true);
        m.put("empty", Map.of());
        String text = Json.write(m);
        assertEquals(m, Json.read(text));
        assertEquals(m, Json.read(" \n" + text.replace(",", " , ") + "\n"));
    }

    @Test
    void malformedTextIsAnIllegalArgumentNeverACrash() {
        for (String bad : Arrays.asList("", "{", "{\"a\"}", "{\"a\":}", "[1,", "\"abc", "{\"a\":1}x", "-", "\"\\u12\"",
                "\"\\q\"", "99999999999999999999", "{1:2}")) {
            assertThrows(IllegalArgumentException.class, () -> Json.read(bad), bad);
        }
    }
}
