package dev.cryo.serializer;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose instances are part of the saved kernel graph. Every non-transient field is
 * saved; every transient field carries {@link Rebuilt} saying what rebuilds it after load.
 * {@link SavableChecker} enforces both.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Savable {}
