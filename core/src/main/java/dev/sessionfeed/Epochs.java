package dev.sessionfeed;

import java.security.SecureRandom;

/** Random epoch identifiers: 10 base-36 characters (about 51 bits) from a {@link SecureRandom}. */
final class Epochs {

    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final int LENGTH = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Epochs() {
    }

    /**
     * Creates a fresh epoch. Thread-safe.
     *
     * @return 10 random characters of {@code [0-9a-z]}
     */
    static String random() {
        char[] chars = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            chars[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return new String(chars);
    }
}
