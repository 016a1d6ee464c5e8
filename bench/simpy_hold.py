#!/usr/bin/python3
"""The hold model for SimPy, the peer drsim's kernel is compared with (bench/README.md).

Debian 12's python3-simpy is SimPy 2.3 (the classic `SimPy.Simulation` API), importable by
Debian's /usr/bin/python3. Same model as bench/hold_model.hpp: PENDING processes, each
holding for an exponential delay (mean 1 s) again and again, until EVENTS holds have run.

usage: simpy_hold.py PENDING EVENTS
prints "simpy pending=P events=E seconds=S events_per_second=R"
"""
import random
import sys
import time

from SimPy.Simulation import Process, Simulation, hold


class Holder(Process):
    def run(self, rng, counter, limit):
        while counter[0] < limit:
            counter[0] += 1
            yield hold, self, rng.expovariate(1.0)


def main():
    pending, events = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(1)
    counter = [0]
    sim = Simulation()
    sim.initialize()
    for _ in range(pending):
        holder = Holder(sim=sim)
        sim.activate(holder, holder.run(rng, counter, events))
    start = time.perf_counter()
    sim.simulate(until=1e12)
    seconds = time.perf_counter() - start
    print(f"simpy pending={pending} events={counter[0]} seconds={seconds:.3f} "
          f"events_per_second={counter[0] / seconds:.0f}")


if __name__ == "__main__":
    main()
