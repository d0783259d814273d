package io.domainautomation.logic;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A custom domain name in the form the Scalingo API gets it: trimmed, lower-cased, without trailing dot,
 * internationalised names in ASCII by IDNA 2008 (UTS #46, nontransitional: {@code straße} stays {@code straße}, as
 * {@code xn--strae-oqa}), RFC 1123 labels, a wildcard only as the leftmost {@code *.} label, never a label mixing
 * scripts (checked on the Unicode form, also of labels given as {@code xn--}), never the platform's own hosts.
 */
public record Hostname(String ascii) {

    /** Hosts of the platform itself: an app's own address is not a custom domain. */
    public static final List<String> PLATFORM_DOMAINS = List.of("scalingo.io", "scalingo.com");

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern ALL_DIGITS = Pattern.compile("[0-9]+");
    private static final int MAX_LENGTH = 253;

    @Override
    public String toString() {
        return ascii;
    }

    public static Hostname parse(String raw) throws InvalidInput {
        return parse("domain", raw);
    }

    public static Hostname parse(String field, String raw) throws InvalidInput {
        if (raw == null || raw.isBlank()) {
            throw new InvalidInput(field, field + " is required");
        }
        String name = raw.strip();
        if (name.length() > 2 * MAX_LENGTH) {
            throw new InvalidInput(field, field + " is " + name.length() + " characters long; a hostname has at most "
                    + MAX_LENGTH);
        }
        if (name.contains("://")) {
            throw new InvalidInput(field, field + " must be a bare hostname, without a scheme such as https://");
        }
        if (name.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidInput(field, field + " must not contain spaces");
        }
        if (name.contains("/") || name.contains("?") || name.contains("#")) {
            throw new InvalidInput(field, field + " must be a bare hostname, without a path or query");
        }
        if (name.contains("@")) {
            throw new InvalidInput(field, field + " must be a bare hostname, without user information");
        }
        if (name.contains(":") || name.contains("[")) {
            throw new InvalidInput(field, field + " must be a bare hostname, without a port");
        }
        name = name.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        boolean wildcard = name.startsWith("*.");
        String rest = wildcard ? name.substring(2) : name;
        if (rest.contains("*")) {
            throw new InvalidInput(field, field + " may hold a wildcard only as its leftmost label (*.example.com)");
        }
        if (rest.isEmpty() || rest.startsWith(".") || rest.contains("..")) {
            throw new InvalidInput(field, field + " has an empty label (\"..\" or a leading dot)");
        }
        boolean international = rest.chars().anyMatch(c -> c >= 128)
                || Arrays.stream(rest.split("\\.")).anyMatch(label -> label.startsWith("xn--"));
        String ascii = international ? Idna2008.toAscii(field, rest) : rest;
        rejectMixedScripts(field, international ? Idna2008.toUnicode(field, ascii) : rest);
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            throw new InvalidInput(field, field + " needs at least two labels (example.com), got \"" + ascii + "\"");
        }
        for (String label : labels) {
            if (label.isEmpty()) {
                throw new InvalidInput(field, field + " has an empty label");
            }
            if (label.length() > 63) {
                throw new InvalidInput(field, field + " has a label of " + label.length() + " characters; at most 63");
            }
            if (!LABEL.matcher(label).matches()) {
                throw new InvalidInput(field, field + " label \"" + label
                        + "\" may only hold letters, digits and inner hyphens (RFC 1123)");
            }
        }
        if (ALL_DIGITS.matcher(labels[labels.length - 1]).matches()) {
            throw new InvalidInput(field, field + " looks like an IP address; a custom domain is a hostname");
        }
        String full = (wildcard ? "*." : "") + ascii;
        if (full.length() > MAX_LENGTH) {
            throw new InvalidInput(field, field + " is " + full.length() + " characters long in ASCII; at most " + MAX_LENGTH);
        }
        for (String platform : PLATFORM_DOMAINS) {
            if (ascii.equals(platform) || ascii.endsWith("." + platform)) {
                throw new InvalidInput(field, field + " " + full + " is a host of the Scalingo platform itself, not a custom domain");
            }
        }
        return new Hostname(full);
    }

    /** Japanese and Korean names legitimately mix Han with kana or Hangul. */
    private static Character.UnicodeScript cjkAsOne(Character.UnicodeScript script) {
        return switch (script) {
            case HIRAGANA, KATAKANA, HANGUL, BOPOMOFO -> Character.UnicodeScript.HAN;
            default -> script;
        };
    }

    /** A label mixing scripts (Latin with Cyrillic, say) is the classic look-alike; such names are refused. */
    private static void rejectMixedScripts(String field, String name) throws InvalidInput {
        for (String label : name.split("\\.")) {
            Set<Character.UnicodeScript> scripts = new HashSet<>();
            label.codePoints().forEach(cp -> {
                Character.UnicodeScript script = cjkAsOne(Character.UnicodeScript.of(cp));
                if (script != Character.UnicodeScript.COMMON && script != Character.UnicodeScript.INHERITED) {
                    scripts.add(script);
                }
            });
            if (scripts.size() > 1) {
                throw new InvalidInput(field, field + " label \"" + label + "\" mixes scripts " + scripts
                        + " (a possible look-alike of another name)");
            }
        }
    }
}
