package dev.cryo.compat;

import dev.cryo.platform.ArchitectureRules;

/** This module's place in the house: the rules in {@link ArchitectureRules}. */
class ArchitectureTest extends ArchitectureRules {
    ArchitectureTest() {
        super("dev.cryo.compat");
    }
}
