package com.drresponder.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that runs against the local AWS emulator: one moto server per test JVM, reset
 * before each test, with an {@link AwsEmulator} parameter available to test and lifecycle methods.
 * Short for {@code @ExtendWith(AwsEmulatorExtension.class)}.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(AwsEmulatorExtension.class)
public @interface AwsEmulatorTest {
}
