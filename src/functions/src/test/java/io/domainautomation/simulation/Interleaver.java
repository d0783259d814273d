package io.domainautomation.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A few actors run "at once" and deterministically, cooperatively: each on its own thread, but only the one holding
 * the baton runs. At every {@link #yieldPoint()} the running actor may hand the baton to an actor the history's seeded
 * {@link Random} picks among those not ended (itself included) and wait for its turn; an actor that ends hands it on
 * the same way. Exactly one thread runs at any moment, so what happens is a function of the seed alone.
 * <p>
 * What the simulation keeps for the invocation running now (who acts, its deadline) is the running actor's: saved
 * when it hands the baton on and restored when it gets it back ({@link Context}). One interleaver per history, no
 * shared state: histories run in parallel each with its own.
 * <p>
 * The thread calling {@link #run} runs the first actor; the others run on daemon threads the interleaver starts once
 * and uses again in its later runs (starting a thread costs more than a whole step), all ended and joined by
 * {@link #close}. A Throwable on an actor ends the run: every other actor unwinds at its next turn ({@link Abandoned})
 * and {@link #run} throws {@link Failed} with the first Throwable, on the calling thread.
 * <p>
 * The rule that keeps it free of deadlocks: an actor blocks only at its yield points, never on a lock another actor
 * may hold while it waits for its turn. The code under test locks per container (DomainLinker's stripes), so the
 * simulation gives each concurrent actor a container of its own; a run stuck anyway ends after {@value #STUCK_MINUTES}
 * minute with the history's name (its seed) in the error.
 */
final class Interleaver implements AutoCloseable {

    /** The running actor's share of the simulation's state. */
    interface Context {
        /** What the running actor leaves when it hands the baton on. */
        Object save();

        /** Put back what {@link #save} gave, as the actor gets the baton again. */
        void restore(Object saved);

        /** Told of each switch from one actor to another (for the trace). */
        default void switched(String to) {
        }
    }

    /** An actor's body threw: the first Throwable, and which actor's. */
    static final class Failed extends RuntimeException {
        Failed(String actor, Throwable cause) {
            super(actor + " failed: " + cause, cause);
        }
    }

    /** Thrown at an actor's yield point once another actor failed: it unwinds, and ends. */
    static final class Abandoned extends Error {
        Abandoned() {
            super("abandoned: another actor failed", null, false, false);
        }
    }

    /** How long the calling thread waits for the actors before calling it a deadlock (a guard, not a measure). */
    private static final long STUCK_MINUTES = 1;

    private final Random random;
    private final Context context;
    private final String name;
    /** The threads that run actors other than the first, started as needed. */
    private final List<Worker> workers = new ArrayList<>();
    private List<Actor> actors = List.of();
    /** The actor holding the baton (null between runs); written only by the baton's holder. */
    private Actor running;
    private Throwable failure;
    private String failedActor;
    private Semaphore allEnded;
    private long switches;
    private boolean closed;
    /** A run never ended: its threads cannot be joined (daemons, they end with the JVM). */
    private boolean stuck;

    Interleaver(Random random, Context context, String name) {
        this.random = random;
        this.context = context;
        this.name = name;
    }

    /** Switches from one actor to another so far. */
    long switches() {
        return switches;
    }

    /**
     * Runs the bodies, one per actor (labels: for the trace and the threads' names), until all ended: the first on
     * this thread, the others on the interleaver's threads.
     *
     * @throws Failed when a body threw
     */
    void run(List<String> labels, List<Runnable> bodies) {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        Object mainContext = context.save();
        Worker caller = new Worker(Thread.currentThread());
        List<Actor> made = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            while (i > 0 && workers.size() < i) {
                Worker worker = new Worker(null);
                worker.thread = new Thread(worker::serve, name + "-" + workers.size());
                worker.thread.setDaemon(true);
                workers.add(worker);
                worker.thread.start();
            }
            made.add(new Actor(labels.get(i), bodies.get(i), mainContext, i == 0 ? caller : workers.get(i - 1)));
        }
        actors = List.copyOf(made);
        failure = null;
        failedActor = null;
        allEnded = new Semaphore(0);
        for (Actor actor : actors.subList(1, actors.size())) {
            actor.worker.next = actor;
        }
        Actor first = actors.get(random.nextInt(actors.size()));
        pass(first);
        Actor mine = actors.get(0);
        mine.worker.baton.acquireUninterruptibly();
        mine.play();
        try {
            if (!allEnded.tryAcquire(STUCK_MINUTES, TimeUnit.MINUTES)) {
                stuck = true;
                throw new IllegalStateException(name + ": the actors " + actors + " did not end: a deadlock");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted while its actors ran", e);
        }
        running = null;
        actors = List.of();
        context.restore(mainContext);
        if (failure != null) {
            throw new Failed(failedActor, failure);
        }
    }

    /**
     * On an actor's thread, during {@link #run}: the baton may pass to another actor, and this one waits for its turn;
     * elsewhere, nothing.
     *
     * @throws Abandoned when another actor failed meanwhile
     */
    void yieldPoint() {
        Actor me = running;
        if (me == null || me.worker.thread != Thread.currentThread()) {
            return;
        }
        if (failure != null) {
            throw new Abandoned();
        }
        List<Actor> alive = alive();
        // Half the time the running actor goes on; otherwise the baton goes to an actor picked among the alive ones,
        // itself included. Two yield points a call: runs of several calls without a switch stay as likely as switches
        // at every call, and each switch (a thread woken) costs more than a call.
        if (alive.size() == 1 || random.nextBoolean()) {
            return;
        }
        Actor next = alive.get(random.nextInt(alive.size()));
        if (next == me) {
            return;
        }
        me.saved = context.save();
        switches++;
        pass(next);
        me.worker.baton.acquireUninterruptibly();
        context.restore(me.saved);
        if (failure != null) {
            throw new Abandoned();
        }
    }

    /** Ends the interleaver's threads and joins them. */
    @Override
    public void close() {
        closed = true;
        if (stuck) {
            return;
        }
        for (Worker worker : workers) {
            worker.next = null;
            worker.baton.release();
        }
        boolean interrupted = false;
        for (Worker worker : workers) {
            while (true) {
                try {
                    worker.thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        workers.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private List<Actor> alive() {
        List<Actor> alive = new ArrayList<>(actors.size());
        for (Actor actor : actors) {
            if (!actor.ended) {
                alive.add(actor);
            }
        }
        return alive;
    }

    private void pass(Actor next) {
        running = next;
        context.switched(next.label);
        next.worker.baton.release();
    }

    /** The baton from an actor that ended: to another, or to the caller's wait when none is left. */
    private void handOn() {
        List<Actor> alive = alive();
        if (alive.isEmpty()) {
            running = null;
            allEnded.release();
            return;
        }
        pass(alive.get(alive.size() == 1 ? 0 : random.nextInt(alive.size())));
    }

    /** A thread that runs actors: the caller's, or one of the interleaver's. */
    private final class Worker {
        Thread thread;
        final Semaphore baton = new Semaphore(0);
        /** The actor to run at its next turn; null: end. */
        Actor next;

        Worker(Thread thread) {
            this.thread = thread;
        }

        /** The interleaver's thread: an actor per run, until closed. */
        void serve() {
            while (true) {
                baton.acquireUninterruptibly();
                Actor actor = next;
                if (actor == null) {
                    return;
                }
                next = null;
                actor.play();
            }
        }
    }

    private final class Actor {
        final String label;
        final Runnable body;
        final Worker worker;
        Object saved;
        boolean ended;

        Actor(String label, Runnable body, Object saved, Worker worker) {
            this.label = label;
            this.body = body;
            this.saved = saved;
            this.worker = worker;
        }

        /** Its body, from its first turn (the baton held) to its end; then the baton goes on. */
        void play() {
            context.restore(saved);
            try {
                if (failure == null) {
                    body.run();
                }
            } catch (Abandoned abandoned) {
                // another actor failed: this one stops here
            } catch (Throwable thrown) {
                if (failure == null) {
                    failure = thrown;
                    failedActor = label;
                }
            } finally {
                ended = true;
                handOn();
            }
        }

        @Override
        public String toString() {
            return label + (ended ? " (ended)" : "");
        }
    }
}
