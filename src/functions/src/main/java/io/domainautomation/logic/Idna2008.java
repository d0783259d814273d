package io.domainautomation.logic;

import java.util.Locale;
import java.util.stream.Collectors;

import com.ibm.icu.text.IDNA;

/**
 * Internationalised domain names by IDNA 2008 as UTS #46 processes them, nontransitional (a name keeps its own
 * letters: {@code ß}, final sigma, ZWJ/ZWNJ where CONTEXTJ allows them), with the STD3, bidi, CONTEXTJ and
 * CONTEXTO rules; ICU4J does the work, loaded only for names that need it.
 */
final class Idna2008 {

    private static final int OPTIONS = IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.NONTRANSITIONAL_TO_UNICODE
            | IDNA.USE_STD3_RULES | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ | IDNA.CHECK_CONTEXTO;

    /** Made on first use, not when the class is initialised: start-up preloads and initialises application classes. */
    private static volatile IDNA uts46;

    private Idna2008() {
    }

    private static IDNA uts46() {
        IDNA instance = uts46;
        if (instance == null) {
            instance = IDNA.getUTS46Instance(OPTIONS);
            uts46 = instance;
        }
        return instance;
    }

    static String toAscii(String field, String name) throws InvalidInput {
        IDNA.Info info = new IDNA.Info();
        StringBuilder ascii = uts46().nameToASCII(name, new StringBuilder(), info);
        refuseErrors(field, name, info);
        return ascii.toString().toLowerCase(Locale.ROOT);
    }

    /** The Unicode form of an ASCII name, {@code xn--} labels decoded and checked as if given in Unicode. */
    static String toUnicode(String field, String ascii) throws InvalidInput {
        IDNA.Info info = new IDNA.Info();
        StringBuilder unicode = uts46().nameToUnicode(ascii, new StringBuilder(), info);
        refuseErrors(field, ascii, info);
        return unicode.toString();
    }

    private static void refuseErrors(String field, String name, IDNA.Info info) throws InvalidInput {
        if (info.hasErrors()) {
            throw new InvalidInput(field, field + " \"" + InvalidInput.shown(name) + "\" is not a valid internationalised "
                    + "name (IDNA 2008: " + info.getErrors().stream().map(e -> e.name().toLowerCase(Locale.ROOT))
                            .sorted().collect(Collectors.joining(", ")) + ")");
        }
    }
}
