package dev.cryo.serializer;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@code transient} field of a {@link Savable} class: says what rebuilds the field after a
 * restore ("host fd: reopened by path in afterLoad"). A transient field without it fails
 * {@link SavableChecker}: state that is neither saved nor rebuilt is a checkpoint bug.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Rebuilt {
    String value();
}
