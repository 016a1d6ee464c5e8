#!/usr/bin/python3
"""The MANGU regional failover (scenarios/library/mangu-regional-failover.json) hand-written
for SimPy, the peer drsim's scenario engine is compared with (bench/README.md).

Same semantics as drsim's replay of that file, written out by hand: the same steps,
dependencies, people and distributions; the same backup state at the failure instant
(15-minute snapshots in us-west-2, each copied to us-east-1 once created, stalled by the
outage); the same CLI waiters (first poll at once, 30 s / 15 s between polls, 60 / 40
attempts, the step's retries); the same client view of the service (a cached DNS answer,
60 s TTL, leading to a load balancer with a running task, while a database holding the data
is available) and the same RTO and RPO definitions (RTO: onset to the first 30 s instant the
service is back; RPO: onset minus the newest write the serving database holds). Random draws
come from Python's generator, not drsim's streams: the two agree in distribution, not trial
by trial.

Debian 12's python3-simpy is SimPy 2.3 (the classic `SimPy.Simulation` API), importable by
Debian's /usr/bin/python3.

usage: simpy_mangu.py TRIALS [SEED]
prints one line of key=value pairs: trials, seconds, trials_per_second, RTO quantiles (s),
P(RTO <= 4 h), RPO quantiles (s), and how many trials could not complete.
"""
import math
import random
import sys
import time

from SimPy.Simulation import Process, Resource, Simulation, hold, passivate, release, request

SEC = 1.0
MIN = 60.0
HOUR = 3600.0
DAY = 86400.0
Z95 = 1.6448536269514722


def lognormal(rng, p50, p95):
    return p50 * math.exp(math.log(p95 / p50) / Z95 * rng.gauss(0.0, 1.0))


def api_latency(rng):
    return lognormal(rng, 0.150, 0.800)


def business_hours(t):
    # The scenario epoch, 2026-01-05T00:00Z, is a Monday; business hours 09:00-18:00 UTC.
    day, in_day = divmod(t, DAY)
    return int(day) % 7 < 5 and 9 <= in_day // HOUR < 18


class Trial:
    """The world of one trial: the outage, the backups, the people and the runbook."""

    EVERY = 15 * MIN
    DB_GB = 200
    COPY_GB = DB_GB * 0.02 * 15 / (24 * 60)  # incremental: 2% of the database a day, per 15 min

    def __init__(self, rng):
        self.rng = rng
        self.onset = rng.random() * 7 * DAY
        self.outage_end = self.onset + lognormal(rng, 8 * HOUR, 23 * HOUR)
        self.snapshots = {}  # index -> (created, copy_done) or None (no copy)
        self.aborted = None
        self.variables = {}
        # State the runbook changes.
        self.restore_call = None
        self.restored_at = None
        self.dr_stack_at = None
        self.task_running = {"server": [], "client": []}
        self.dns_insync = None
        self.client_phase = rng.random()

    def down(self, t):
        return self.onset <= t < self.outage_end

    def copy_of(self, k):
        """Scheduled snapshot k and its copy: (taken, created, copy done) or None."""
        if k not in self.snapshots:
            taken = k * self.EVERY
            entry = None
            if not self.down(taken):
                created = taken + lognormal(self.rng, 4 * MIN, 15 * MIN)
                failed = taken < self.outage_end and self.onset < created
                if not failed:
                    throughput = 35.0 * math.exp(0.5 * self.rng.gauss(0.0, 1.0))  # MB/s
                    done = (created + lognormal(self.rng, 2 * MIN, 10 * MIN) +
                            self.COPY_GB * 1024 / throughput)
                    if created < self.outage_end and self.onset < done:  # stalled by the outage
                        stalled = max(self.onset, created)
                        done = self.outage_end + (done - stalled)
                    entry = (taken, created, done)
            self.snapshots[k] = entry
        return self.snapshots[k]

    def newest_copy(self, t):
        k = int(t // self.EVERY)
        while True:
            entry = self.copy_of(k)
            if entry is not None and entry[1] <= t:
                return entry
            k -= 1

    def dr_db_available(self, t):
        return self.restored_at is not None and self.restored_at <= t

    def running(self, service, t):
        return sum(1 for r in self.task_running[service] if r <= t)

    def alb_healthy(self, target_dr, t):
        seen = t - 30 * SEC
        if target_dr:
            return (self.dr_stack_at is not None and self.dr_stack_at <= seen and
                    self.running("server", seen) > 0 and self.running("server", t) > 0)
        return not self.down(seen) and not self.down(t)  # production: tasks since long ago

    def healthy(self, t):
        """What a client sees at t: its cached DNS answer (60 s TTL) leads to a healthy load
        balancer, and a database holding the data is available."""
        cache = 60 * SEC
        phase = self.client_phase * cache
        refreshed = phase + math.floor((t - phase) / cache) * cache
        to_dr = self.dns_insync is not None and self.dns_insync <= refreshed
        if not self.alb_healthy(to_dr, t):
            return None
        if not self.down(t):
            return 0.0  # the primary is back: it holds every write up to the onset
        if self.dr_db_available(t):
            return self.onset - self.variables["SNAPSHOT_TAKEN"]
        return None


class Step(Process):
    def run(self, trial, plan, i):
        sim, rng = self.sim, trial.rng
        step = plan.steps[i]
        for dep in step["after"]:
            while not plan.done[dep]:
                plan.waiting[dep].append(self)
                yield passivate, self
        if trial.aborted is None:
            owner = plan.staff.get(step.get("owner"))
            if owner is not None:
                yield request, self, owner
            ok = False
            for attempt in range(step.get("retries", 0) + 1):
                if attempt > 0 and step.get("retry_delay"):
                    yield hold, self, step["retry_delay"]
                # The body yields SimPy commands, then its result: True or a cause.
                for command in step["body"](self, trial, rng):
                    if isinstance(command, tuple):
                        yield command
                    else:
                        ok = command
                if ok is True:
                    break
            if ok is not True and not step.get("continue") and trial.aborted is None:
                trial.aborted = ok
            if owner is not None:
                yield release, self, owner
        plan.done[i] = True
        plan.end = sim.now()
        for p in plan.waiting[i]:
            sim.reactivate(p)
        plan.waiting[i] = []


def manual(p50, p95):
    def body(proc, trial, rng):
        yield (hold, proc, lognormal(rng, p50, p95))
        yield True
    return body


def aws(effect=None):
    """One CLI call: the model acts at the call's start, the step lasts the call's latency."""
    def body(proc, trial, rng):
        result = effect(trial, proc.sim.now()) if effect else True
        yield (hold, proc, api_latency(rng))
        yield result
    return body


def waiter(delay, attempts, success):
    def body(proc, trial, rng):
        for k in range(attempts):
            done = success(trial, proc.sim.now())
            yield (hold, proc, api_latency(rng))
            if done:
                yield True
                return
            if k + 1 < attempts:
                yield (hold, proc, delay)
        yield "waiter gave up"
    return body


def health_events(trial, t):
    return "EndpointConnectionError"  # us-west-2 is down


def latest_snapshot(trial, t):
    taken, created, done = trial.newest_copy(t)
    trial.variables["LATEST"] = (taken, done)
    return True


def restore(trial, t):
    taken, done = trial.variables["LATEST"]
    if t < done:
        return "InvalidDBSnapshotState"
    trial.variables["SNAPSHOT_TAKEN"] = taken
    rng = trial.rng
    # rds_restore, plus rds_restore_per_tb for each TB of the 200 GB snapshot.
    trial.restored_at = (t + lognormal(rng, 15 * MIN, 45 * MIN) +
                         lognormal(rng, 15 * MIN, 45 * MIN) * Trial.DB_GB / 1024)
    if rng.random() < 0.25:  # the 2025 post-restore backup: backing-up for 2-3 h
        trial.restored_at += rng.uniform(2 * HOUR, 3 * HOUR)
    return True


def terraform(proc, trial, rng):
    t = proc.sim.now()
    trial.dr_stack_at = t + lognormal(rng, 6 * MIN, 15 * MIN)
    yield (hold, proc, api_latency(rng) + trial.dr_stack_at - t)
    yield True


def scale(service, count):
    def effect(trial, t):
        trial.task_running[service] = [t + lognormal(trial.rng, 45 * SEC, 2 * MIN)
                                       for _ in range(count)]
        return True
    return effect


def services_stable(trial, t):
    return trial.running("server", t) == 3 and trial.running("client", t) == 2


def dns_failover(trial, t):
    rng = trial.rng
    propagation = (lognormal(rng, 30 * SEC, 60 * SEC) if rng.random() < 0.99 else
                   lognormal(rng, 3 * MIN, 10 * MIN))
    trial.dns_insync = t + propagation
    return True


def probe(proc, trial, rng):
    yield (hold, proc, 1 * SEC)
    yield trial.healthy(proc.sim.now()) is not None or "probe failed"


STEPS = [
    ("assess", [], "devops-lead", manual(10 * MIN, 25 * MIN), {}),
    ("health-events", ["assess"], "devops-lead", aws(health_events), {"continue": True}),
    ("declare", ["health-events"], "devops-lead", manual(15 * MIN, 60 * MIN), {}),
    ("latest-snapshot", ["declare"], "platform-engineer", aws(latest_snapshot), {}),
    ("snapshot-age", ["latest-snapshot"], "platform-engineer", aws(), {}),
    ("validate", ["snapshot-age"], "database-admin", manual(10 * MIN, 25 * MIN), {}),
    ("restore", ["validate"], "platform-engineer", aws(restore), {}),
    ("wait-db", ["restore"], None,
     waiter(30 * SEC, 60, lambda trial, t: trial.dr_db_available(t)), {"retries": 4}),
    ("db-endpoint", ["wait-db"], "platform-engineer", aws(), {}),
    ("update-secret", ["db-endpoint"], "platform-engineer", aws(), {}),
    ("terraform-apply", ["declare"], "devops-lead", terraform, {}),
    ("scale-server", ["terraform-apply", "update-secret"], "platform-engineer",
     aws(scale("server", 3)), {}),
    ("scale-client", ["terraform-apply", "update-secret"], "platform-engineer",
     aws(scale("client", 2)), {}),
    ("wait-ecs", ["scale-server", "scale-client"], None,
     waiter(15 * SEC, 40, services_stable), {"retries": 1}),
    ("dns-failover", ["wait-ecs"], "devops-lead", aws(dns_failover), {}),
    ("smoke-tests", ["dns-failover"], "platform-engineer", manual(10 * MIN, 20 * MIN), {}),
    ("health-check", ["smoke-tests"], "platform-engineer", probe,
     {"retries": 30, "retry_delay": 1 * MIN}),
]
IDS = [s[0] for s in STEPS]


class Plan:
    def __init__(self, sim):
        self.steps = [dict(after=[IDS.index(a) for a in after], owner=owner, body=body, **extra)
                      for _, after, owner, body, extra in STEPS]
        self.staff = {role: Resource(capacity=1, sim=sim) for role in
                      ("devops-lead", "platform-engineer", "database-admin", "cto")}
        self.done = [False] * len(STEPS)
        self.waiting = [[] for _ in STEPS]
        self.end = 0.0


class Incident(Process):
    """Detection after U(3m, 10m), then the page: devops-lead, after 15 min the CTO."""

    def run(self, trial, plan):
        rng = trial.rng
        yield hold, self, rng.uniform(3 * MIN, 10 * MIN)
        paged = self.sim.now()
        ack = math.inf
        for role_timeout in (15 * MIN, 30 * MIN):
            if ack <= paged:
                break
            if rng.random() >= 0.05:  # answers
                p50, p95 = (3 * MIN, 15 * MIN) if business_hours(paged) else (5 * MIN, 30 * MIN)
                ack = min(ack, paged + lognormal(rng, p50, p95))
            paged += role_timeout
        if ack == math.inf:
            trial.aborted = "nobody acknowledged the page"
            return
        yield hold, self, ack - self.sim.now()
        for i in range(len(STEPS)):
            step = Step(sim=self.sim)
            self.sim.activate(step, step.run(trial, plan, i))


def run_trial(rng):
    trial = Trial(rng)
    sim = Simulation()
    sim.initialize()
    plan = Plan(sim)
    incident = Incident(sim=sim)
    sim.activate(incident, incident.run(trial, plan), at=trial.onset)
    sim.simulate(until=trial.onset + 365 * DAY)
    if trial.aborted is not None:
        return None, None
    t, horizon = trial.onset, plan.end + DAY
    while t <= horizon:
        rpo = trial.healthy(t)
        if rpo is not None:
            return t - trial.onset, rpo
        t += 30 * SEC
    return None, None


def quantile(values, p, n):
    """Nearest rank over n trials, with never-recovered trials (absent) as +infinity."""
    rank = max(1, math.ceil(p * n))
    return values[rank - 1] if rank <= len(values) else math.inf


def main():
    trials = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    rtos, rpos = [], []
    start = time.perf_counter()
    for _ in range(trials):
        rto, rpo = run_trial(rng)
        if rto is not None:
            rtos.append(rto)
            rpos.append(rpo)
    seconds = time.perf_counter() - start
    rtos.sort()
    rpos.sort()
    out = [f"trials={trials}", f"seconds={seconds:.3f}",
           f"trials_per_second={trials / seconds:.1f}"]
    for p in (0.5, 0.9, 0.95, 0.99):
        out.append(f"rto_p{round(p * 100)}_s={quantile(rtos, p, trials):.0f}")
    out.append(f"p_rto_met={sum(1 for r in rtos if r <= 4 * HOUR) / trials:.4f}")
    for p in (0.5, 0.6):
        out.append(f"rpo_p{round(p * 100)}_s={quantile(rpos, p, trials):.0f}")
    out.append(f"never={trials - len(rtos)}")
    if rtos:
        out.append(f"rto_mean_finite_s={sum(rtos) / len(rtos):.0f}")
        out.append(f"rpo_mean_finite_s={sum(rpos) / len(rpos):.0f}")
    print(" ".join(out))


if __name__ == "__main__":
    main()
