package io.domainautomation.simulation;

import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Consumer;

import io.domainautomation.fakes.ScriptedDns;
import io.domainautomation.logic.port.CaaAnswer;
import io.domainautomation.logic.port.DnsAnswer;
import io.domainautomation.logic.port.DnsResolver;
import io.domainautomation.logic.port.TxtAnswer;

/**
 * A fidelity run's resolver: each lookup of the core goes to the scripted DNS the simulation changes (its answer is
 * what the core gets) and to the real resolver (dnsjava) asking a DNS server on loopback that holds the same records,
 * names the simulation breaks answered SERVFAIL there. The answers must be the same: the chain, the addresses, whether
 * the lookup failed, the dangling CNAME targets; for a CAA climb, where records were found and what they allow. A lookup the simulation's fault fails (a resolver timeout) meets a
 * server answering every query SERVFAIL. A process killed before the lookup makes no real one.
 */
public final class MirroredDns implements DnsResolver {

    /** Counts of one run. */
    public static final class Counts {
        public long compared;
        public long failedCompared;
        public long failedAtTheServer;
        public long notMadeKilled;
        public long caaCompared;

        public void add(Counts other) {
            compared += other.compared;
            caaCompared += other.caaCompared;
            failedAtTheServer += other.failedAtTheServer;
            failedCompared += other.failedCompared;
            notMadeKilled += other.notMadeKilled;
        }
    }

    private final ScriptedDns model;
    private final DnsResolver real;
    private final Consumer<ScriptedDns.Records> serve;
    private final Consumer<Boolean> failEveryQuery;
    private final Counts counts = new Counts();

    /**
     * @param serve makes the loopback server hold exactly these records (the model's, as the simulation left them)
     * @param failEveryQuery makes the loopback server answer every query SERVFAIL (true) or as its records say (false)
     */
    public MirroredDns(ScriptedDns model, DnsResolver real, Consumer<ScriptedDns.Records> serve, Consumer<Boolean> failEveryQuery) {
        this.model = model;
        this.real = real;
        this.serve = serve;
        this.failEveryQuery = failEveryQuery;
    }

    public Counts counts() {
        return counts;
    }

    /** Cleanup's fidelity run, the only user of this mirror, never reads TXT records: a call here is a test's mistake. */
    @Override
    public TxtAnswer txt(String name) {
        throw new UnsupportedOperationException("cleanup-stale reads no TXT record; MirroredDns does not mirror them");
    }

    @Override
    public DnsAnswer resolve(String hostname) {
        DnsAnswer answer;
        try {
            answer = model.resolve(hostname);
        } catch (Error killed) {
            counts.notMadeKilled++;
            throw killed;
        }
        serve.accept(model.records());
        DnsAnswer realAnswer;
        if (model.takeLastFault()) {
            counts.failedAtTheServer++; // a fault failed this lookup: the server fails it too, whatever its records
            failEveryQuery.accept(true);
            try {
                realAnswer = real.resolve(hostname);
            } finally {
                failEveryQuery.accept(false);
            }
        } else {
            realAnswer = real.resolve(hostname);
        }
        counts.compared++;
        if (answer.failed()) {
            counts.failedCompared++;
        }
        String expected = text(answer);
        String actual = text(realAnswer);
        if (!expected.equals(actual)) {
            throw new MirroredLedger.Divergence("DNS " + hostname + ":\n  model: " + expected + "\n  real:  " + actual);
        }
        return answer;
    }

    /**
     * The CAA climb of a stuck certificate's diagnosis (Domain Validation Stuck): asked of both, the same records
     * served; the answers must be the same.
     */
    @Override
    public CaaAnswer caa(String hostname) {
        CaaAnswer answer = model.caa(hostname);
        serve.accept(model.records());
        CaaAnswer realAnswer = real.caa(hostname);
        counts.caaCompared++;
        if (!answer.equals(realAnswer)) {
            throw new MirroredLedger.Divergence("CAA " + hostname + ":\n  model: " + answer + "\n  real:  " + realAnswer);
        }
        return answer;
    }

    /** The model's, which must be the real resolver's: the core budgets every lookup by it. */
    @Override
    public Duration worstCase() {
        if (!model.worstCase().equals(real.worstCase())) {
            throw new MirroredLedger.Divergence("DNS worst case: model " + model.worstCase() + ", real " + real.worstCase());
        }
        return model.worstCase();
    }

    static String text(DnsAnswer a) {
        return "chain=" + a.cnameChain() + " addresses=" + a.addresses().stream().map(InetAddress::getHostAddress).sorted().toList()
                + " failed=" + a.failed() + " dangling=" + a.danglingTargets();
    }
}
