package io.domainautomation.logic;

/** Input that can never succeed, however often it is retried; the message says which field and why. */
public class InvalidInput extends Exception {

    private final String field;

    public InvalidInput(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** As much of the input as an error message may show: never more than 64 characters of it. */
    public static String shown(String input) {
        return input.length() <= 64 ? input : input.substring(0, 64) + "...";
    }
}
