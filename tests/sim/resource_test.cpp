#include "sim/resource.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace drsim::sim {
namespace {

using Log = std::vector<std::string>;

Process worker(Environment& env, Resource& people, Log& log, std::string name, Duration work,
               std::uint32_t priority = 1) {
  Lease lease = co_await people.acquire(priority);
  log.push_back(std::to_string(env.now()) + " " + name + " starts");
  co_await env.timeout(work);
  log.push_back(std::to_string(env.now()) + " " + name + " ends");
}

TEST(Resource, AtMostCapacityHoldersAtOnceServedFirstComeFirstServed) {
  Environment env;
  Resource engineers(env, 2);
  Log log;
  for (const char* name : {"a", "b", "c", "d", "e"})
    env.start(worker(env, engineers, log, name, 10));
  env.run();
  EXPECT_EQ(log, (Log{"0 a starts", "0 b starts", "10 a ends", "10 b ends", "10 c starts",
                      "10 d starts", "20 c ends", "20 d ends", "20 e starts", "30 e ends"}));
  EXPECT_EQ(engineers.in_use(), 0u);
}

TEST(Resource, LowerPriorityNumbersGoFirstAmongWaiters) {
  Environment env;
  Resource dba(env, 1);
  Log log;
  env.start(worker(env, dba, log, "holder", 10));
  env.start(worker(env, dba, log, "routine", 1, 5));
  env.start(worker(env, dba, log, "incident", 1, 0));
  env.run();
  EXPECT_EQ(log[2], "10 incident starts");
  EXPECT_EQ(log[4], "11 routine starts");
}

Process impatient(Environment& env, Resource& r, Log& log) {
  try {
    Lease lease = co_await r.acquire();
    log.push_back(std::to_string(env.now()) + " impatient got it");
  } catch (const Interrupted&) {
    log.push_back(std::to_string(env.now()) + " impatient gave up");
  }
}

Process interrupt_later(Environment& env, ProcessRef p, Duration d) {
  co_await env.timeout(d);
  env.interrupt(p, "gave up");
}

TEST(Resource, AnInterruptedWaiterLeavesTheQueue) {
  Environment env;
  Resource r(env, 1);
  Log log;
  env.start(worker(env, r, log, "holder", 10));
  ProcessRef p = env.start(impatient(env, r, log));
  env.start(worker(env, r, log, "next", 1));
  env.start(interrupt_later(env, p, 5));
  env.run();
  EXPECT_EQ(log, (Log{"0 holder starts", "5 impatient gave up", "10 holder ends", "10 next starts",
                      "11 next ends"}));
  EXPECT_EQ(r.in_use(), 0u);
}

TEST(Resource, AUnitGrantedToAnInterruptedWaiterIsHandedOn) {
  Environment env;
  Resource r(env, 1);
  Log log;
  env.start(worker(env, r, log, "holder", 10));
  ProcessRef p = env.start(impatient(env, r, log));
  env.start(worker(env, r, log, "next", 1));
  // The holder releases at 10, granting `impatient`; the interrupt lands at the same instant
  // before it resumes.
  env.run_until(9);
  env.start(interrupt_later(env, p, 1));
  env.run();
  EXPECT_EQ(r.in_use(), 0u);
  EXPECT_NE(std::find(log.begin(), log.end(), "10 next starts"), log.end());
}

TEST(Resource, RaisingCapacityServesWaitersAtOnce) {
  Environment env;
  Resource r(env, 1);
  Log log;
  env.start(worker(env, r, log, "a", 10));
  env.start(worker(env, r, log, "b", 10));
  env.run_until(3);
  r.set_capacity(2);
  env.run();
  EXPECT_EQ(log[1], "3 b starts");
}

TEST(Resource, LeasesReleaseWhenATrialIsCutOff) {
  Environment env;
  Resource r(env, 1);
  Log log;
  env.start(worker(env, r, log, "a", 100));
  env.run_until(10);
  EXPECT_EQ(r.in_use(), 1u);
  env.reset(0);
  EXPECT_EQ(r.in_use(), 0u);
}

}  // namespace
}  // namespace drsim::sim
