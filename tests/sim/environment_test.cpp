#include "sim/environment.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace drsim::sim {
namespace {

using Log = std::vector<std::string>;

void note(Environment& env, Log& log, const std::string& what) {
  log.push_back(std::to_string(env.now()) + " " + what);
}

Process sleeper(Environment& env, Log& log, std::string name, Duration d) {
  note(env, log, name + " start");
  co_await env.timeout(d);
  note(env, log, name + " woke");
}

TEST(Environment, TimeoutsAdvanceVirtualTimeInOrder) {
  Environment env;
  Log log;
  env.start(sleeper(env, log, "a", 30));
  env.start(sleeper(env, log, "b", 10));
  env.start(sleeper(env, log, "c", 10));
  env.run();
  EXPECT_EQ(log,
            (Log{"0 a start", "0 b start", "0 c start", "10 b woke", "10 c woke", "30 a woke"}));
  EXPECT_EQ(env.now(), 30);
  EXPECT_EQ(env.live_processes(), 0u);
}

TEST(Environment, RunUntilStopsAtTheLimitAndResumes) {
  Environment env;
  Log log;
  env.start(sleeper(env, log, "a", 10));
  env.start(sleeper(env, log, "b", 20));
  env.run_until(10);
  EXPECT_EQ(env.now(), 10);
  EXPECT_EQ(log.back(), "10 a woke") << "entries exactly at the limit run";
  env.run_until(15);
  EXPECT_EQ(env.now(), 15);
  EXPECT_EQ(log.size(), 3u);
  env.run();
  EXPECT_EQ(log.back(), "20 b woke");
}

TEST(Environment, StartNowRunsTheProcessUpToItsFirstWaitBeforeTheCallerGoesOn) {
  Environment env;
  Log log;
  struct Caller {
    Environment* env;
    Log* log;
    bool now;
    ProcessRef started;
  };
  auto at_five = [](void* p) {
    auto* c = static_cast<Caller*>(p);
    note(*c->env, *c->log, c->now ? "caller (start_now)" : "caller (start)");
    Process process = sleeper(*c->env, *c->log, c->now ? "n" : "s", 3);
    c->started = c->now ? c->env->start_now(std::move(process)) : c->env->start(std::move(process));
    note(*c->env, *c->log, "caller goes on");
  };
  auto other = [](void* p) {
    auto* c = static_cast<Caller*>(p);
    note(*c->env, *c->log, "next entry");
  };
  Caller now{&env, &log, true, {}};
  env.schedule(5, Callback{at_five, &now});
  env.schedule(5, Callback{other, &now});
  env.run();
  EXPECT_EQ(log, (Log{"5 caller (start_now)", "5 n start", "5 caller goes on", "5 next entry",
                      "8 n woke"}));
  EXPECT_EQ(now.started.state(), ProcessState::kDone);

  // start() runs it at the next urgent entry: after the caller, before the next entry.
  env.reset(0);
  log.clear();
  Caller later{&env, &log, false, {}};
  env.schedule(5, Callback{at_five, &later});
  env.schedule(5, Callback{other, &later});
  env.run();
  EXPECT_EQ(log,
            (Log{"5 caller (start)", "5 caller goes on", "5 s start", "5 next entry", "8 s woke"}));
  EXPECT_EQ(env.live_processes(), 0u);
}

// A sub-task run three ways by callers due at the same instant: as a process started and
// joined, inline between yield_urgent() and timeout(0), and inline with no yield.
Task<> body(Environment& env, Log& log, std::string name) {
  note(env, log, name + " body");
  co_await env.timeout(0);
  note(env, log, name + " body again");
}

Process body_process(Environment& env, Log& log, std::string name) {
  co_await body(env, log, std::move(name));
}

enum class Run { kProcess, kInlineWithYields, kInlineBare };

Process caller(Environment& env, Log& log, std::string name, Run how) {
  co_await env.timeout(10);
  note(env, log, name + " calls");
  switch (how) {
    case Run::kProcess:
      co_await env.start(body_process(env, log, name));
      break;
    case Run::kInlineWithYields:
      co_await env.yield_urgent();
      co_await body(env, log, name);
      co_await env.timeout(0);
      break;
    case Run::kInlineBare:
      co_await body(env, log, name);
      break;
  }
  note(env, log, name + " returns");
}

Log run_callers(Run how) {
  Environment env;
  Log log;
  env.start(caller(env, log, "a", how));
  env.start(sleeper(env, log, "s", 10));
  env.start(caller(env, log, "b", how));
  env.run();
  return log;
}

TEST(Environment, YieldUrgentAroundATaskOrdersEventsAsAStartedAndJoinedProcess) {
  const Log joined = run_callers(Run::kProcess);
  EXPECT_EQ(run_callers(Run::kInlineWithYields), joined);
  EXPECT_NE(run_callers(Run::kInlineBare), joined) << "without the yields the order differs";
}

Process trigger_at(Environment& env, Event& e, Duration d) {
  co_await env.timeout(d);
  e.succeed();
}

Process wait_for(Environment& env, Log& log, Event& e, std::string name) {
  co_await e;
  note(env, log, name + " saw event");
}

TEST(Environment, EventWakesEveryWaiterInRegistrationOrder) {
  Environment env;
  Event e(env);
  Log log;
  env.start(wait_for(env, log, e, "x"));
  env.start(wait_for(env, log, e, "y"));
  env.start(trigger_at(env, e, 7));
  env.run();
  EXPECT_EQ(log, (Log{"7 x saw event", "7 y saw event"}));
  EXPECT_TRUE(e.triggered());
}

TEST(Environment, WaitingOnATriggeredEventDoesNotSuspend) {
  Environment env;
  Event e(env);
  e.succeed();
  Log log;
  env.start(wait_for(env, log, e, "late"));
  env.run();
  EXPECT_EQ(log, (Log{"0 late saw event"}));
}

Process wait_for_failure(Environment& env, Log& log, Event& e) {
  try {
    co_await e;
    note(env, log, "no error");
  } catch (const std::runtime_error& err) {
    note(env, log, std::string("caught ") + err.what());
  }
}

TEST(Environment, FailedEventThrowsInWaiters) {
  Environment env;
  Event e(env);
  Log log;
  env.start(wait_for_failure(env, log, e));
  env.run_until(5);
  e.fail(std::make_exception_ptr(std::runtime_error("DBSnapshotNotFound")));
  env.run();
  EXPECT_EQ(log, (Log{"5 caught DBSnapshotNotFound"}));
}

Process race(Environment& env, Log& log, Event& e, Duration limit) {
  const int first = co_await any_of(env, e, env.timeout(limit));
  note(env, log, "first=" + std::to_string(first));
}

TEST(Environment, AnyOfReturnsTheFirstAndWithdrawsTheRest) {
  {
    Environment env;
    Event e(env);
    Log log;
    env.start(race(env, log, e, 100));
    env.start(trigger_at(env, e, 40));
    env.run();
    EXPECT_EQ(log, (Log{"40 first=0"}));
    EXPECT_EQ(env.now(), 40) << "the losing timeout must not keep the clock running";
  }
  {
    Environment env;
    Event e(env);
    Log log;
    env.start(race(env, log, e, 30));
    env.start(trigger_at(env, e, 40));
    env.run();
    EXPECT_EQ(log, (Log{"30 first=1"}));
  }
}

Process count_wakes(Environment& env, Log& log, Event& e) {
  const int first = co_await any_of(env, env.timeout(40), e);
  note(env, log, "first=" + std::to_string(first));
}

TEST(Environment, AnyOfWithTiesAtOneInstantResumesOnceWithTheEarliest) {
  Environment env;
  Event e(env);
  Log log;
  env.start(count_wakes(env, log, e));  // its timeout is queued first
  env.start(trigger_at(env, e, 40));    // the event fires at the same instant, later in order
  env.run();
  EXPECT_EQ(log, (Log{"40 first=0"}));
}

Process gather(Environment& env, Log& log, Event& a, Event& b) {
  const int n = co_await all_of(env, a, b, env.timeout(5));
  note(env, log, "all " + std::to_string(n));
}

TEST(Environment, AllOfWaitsForTheLast) {
  Environment env;
  Event a(env), b(env);
  Log log;
  env.start(gather(env, log, a, b));
  env.start(trigger_at(env, a, 20));
  env.start(trigger_at(env, b, 12));
  env.run();
  EXPECT_EQ(log, (Log{"20 all 3"}));
}

Process failing_child(Environment& env, Duration d) {
  co_await env.timeout(d);
  throw std::runtime_error("InvalidDBInstanceState");
}

Process parent_joins(Environment& env, Log& log) {
  ProcessRef child = env.start(sleeper(env, log, "child", 25));
  co_await child;
  note(env, log, "parent after child");
  ProcessRef bad = env.start(failing_child(env, 5));
  try {
    co_await bad;
  } catch (const std::runtime_error& e) {
    note(env, log, std::string("parent caught ") + e.what());
  }
  EXPECT_EQ(bad.state(), ProcessState::kFailed);
}

TEST(Environment, JoiningWaitsForTheChildAndReceivesItsError) {
  Environment env;
  Log log;
  env.start(parent_joins(env, log));
  env.run();
  EXPECT_EQ(log, (Log{"0 child start", "25 child woke", "25 parent after child",
                      "30 parent caught InvalidDBInstanceState"}));
}

TEST(Environment, AnUnjoinedFailureStopsTheRunAndTheEnvironmentCanBeReused) {
  Environment env;
  Log log;
  env.start(failing_child(env, 3));
  env.start(sleeper(env, log, "other", 10));
  EXPECT_THROW(env.run(), std::runtime_error);
  EXPECT_EQ(env.now(), 3);
  env.reset(0);
  EXPECT_EQ(env.live_processes(), 0u);
  EXPECT_EQ(env.arena().live_frames(), 0u);
  log.clear();
  env.start(sleeper(env, log, "again", 4));
  env.run();
  EXPECT_EQ(log, (Log{"0 again start", "4 again woke"}));
}

Process interruptible(Environment& env, Log& log, Event& never) {
  try {
    co_await env.timeout(100);
    note(env, log, "timeout finished");
  } catch (const Interrupted& i) {
    note(env, log, "interrupted: " + i.cause());
  }
  try {
    co_await never;
  } catch (const Interrupted& i) {
    note(env, log, "interrupted again: " + i.cause());
  }
  co_await env.timeout(1);
  note(env, log, "done");
}

Process interrupter(Environment& env, ProcessRef target, Duration d, std::string cause) {
  co_await env.timeout(d);
  env.interrupt(target, cause);
}

TEST(Environment, InterruptThrowsAtTheCurrentWaitAndCancelsIt) {
  Environment env;
  Event never(env);
  Log log;
  ProcessRef p = env.start(interruptible(env, log, never));
  env.start(interrupter(env, p, 10, "primary region recovered"));
  env.start(interrupter(env, p, 25, "second failure"));
  env.run();
  EXPECT_EQ(log, (Log{"10 interrupted: primary region recovered",
                      "25 interrupted again: second failure", "26 done"}));
  EXPECT_EQ(env.now(), 26) << "the interrupted 100 ms timeout must not fire";
  never.succeed();  // the withdrawn waiter must not be woken
  env.run();
  EXPECT_EQ(log.size(), 3u);
}

TEST(Environment, InterruptBeforeStartIsDeliveredAtTheFirstWait) {
  Environment env;
  Event never(env);
  Log log;
  ProcessRef p = env.start(interruptible(env, log, never));
  EXPECT_TRUE(env.interrupt(p, "early"));
  env.start(interrupter(env, p, 5, "later"));
  env.run();
  EXPECT_EQ(log.front(), "0 interrupted: early");
  EXPECT_EQ(log.back(), "6 done");
}

TEST(Environment, AnUnhandledInterruptEndsOnlyThatProcess) {
  Environment env;
  Log log;
  ProcessRef p = env.start(sleeper(env, log, "victim", 100));
  env.start(interrupter(env, p, 10, "stop"));
  env.run();  // must not throw
  EXPECT_EQ(p.state(), ProcessState::kInterrupted);
  EXPECT_FALSE(env.interrupt(p, "again")) << "interrupting an ended process has no effect";
  EXPECT_EQ(env.now(), 10);
}

Task<int> restore_step(Environment& env, Duration d, bool fail) {
  co_await env.timeout(d);
  if (fail) throw std::runtime_error("restore failed");
  co_return static_cast<int>(env.now());
}

Task<> nested_wait(Environment& env, Duration d) {
  co_await env.timeout(d);
}

Process uses_tasks(Environment& env, Log& log) {
  const int t = co_await restore_step(env, 15, false);
  note(env, log, "task returned " + std::to_string(t));
  try {
    co_await restore_step(env, 5, true);
  } catch (const std::runtime_error& e) {
    note(env, log, std::string("task threw ") + e.what());
  }
  try {
    co_await nested_wait(env, 1000);
  } catch (const Interrupted& i) {
    note(env, log, "interrupted inside task: " + i.cause());
  }
}

TEST(Environment, TasksReturnValuesPropagateErrorsAndReceiveInterrupts) {
  Environment env;
  Log log;
  ProcessRef p = env.start(uses_tasks(env, log));
  env.start(interrupter(env, p, 50, "abort"));
  env.run();
  EXPECT_EQ(log, (Log{"15 task returned 15", "20 task threw restore failed",
                      "50 interrupted inside task: abort"}));
}

struct Guard {
  int* destroyed;
  ~Guard() { ++*destroyed; }
};

Process holds_guard(Environment& env, int* destroyed, Event& never) {
  Guard g{destroyed};
  co_await nested_wait(env, 5);
  co_await never;
}

TEST(Environment, ResetDestroysSuspendedProcessesAndFreesTheirFrames) {
  Environment env;
  int destroyed = 0;
  {
    Event never(env);
    env.start(holds_guard(env, &destroyed, never));
    env.start(holds_guard(env, &destroyed, never));
    env.run();
    EXPECT_EQ(env.live_processes(), 2u);
    EXPECT_GT(env.arena().live_frames(), 0u);
    env.reset(0);
  }
  EXPECT_EQ(destroyed, 2);
  EXPECT_EQ(env.arena().live_frames(), 0u);
  EXPECT_EQ(env.pending(), 0u);
}

TEST(Environment, FramesAreRecycledAcrossTrials) {
  Environment env;
  Log log;
  for (int i = 0; i < 3; ++i) {
    env.start(sleeper(env, log, "s", 1));
    env.run();
    env.reset(0);
  }
  const std::size_t warmed = env.arena().reserved_bytes();
  for (int i = 0; i < 1000; ++i) {
    env.start(sleeper(env, log, "s", 1));
    env.run();
    env.reset(0);
  }
  EXPECT_EQ(env.arena().reserved_bytes(), warmed);
}

Process forever(Environment& env) {
  for (;;) co_await env.timeout(1);
}

TEST(Environment, EventLimitStopsARunawayTrial) {
  Environment env;
  env.set_event_limit(1000);
  env.start(forever(env));
  EXPECT_THROW(env.run(), EventLimitExceeded);
}

// A wait until now with nothing due before it goes on at once, without a queue entry; it
// still counts as an event, so a loop of them is caught like any other runaway.
Process zero_waits(Environment& env, std::uint64_t& seen, Priority priority) {
  for (int k = 0; k < 5000; ++k) {  // bounded: a miscount fails the test instead of hanging
    co_await (priority == Priority::kUrgent ? env.yield_urgent() : env.timeout(0));
    seen = env.events_processed();
  }
}

TEST(Environment, EventLimitStopsARunawayOfZeroWaits) {
  for (const Priority p : {Priority::kUrgent, Priority::kNormal}) {
    Environment env;
    env.set_event_limit(1000);
    std::uint64_t seen = 0;
    env.start(zero_waits(env, seen, p));
    EXPECT_THROW(env.run(), EventLimitExceeded);
    EXPECT_EQ(seen, 1000u) << "every zero wait counted as an event";
    EXPECT_EQ(env.now(), 0);
  }
}

Process stop_then_wait(Environment& env, Log& log) {
  note(env, log, "stops");
  env.stop();
  co_await env.timeout(0);
  note(env, log, "goes on");
}

TEST(Environment, AZeroWaitAfterStopWaitsForTheNextRun) {
  Environment env;
  Log log;
  env.start(stop_then_wait(env, log));
  env.run();
  EXPECT_EQ(log, (Log{"0 stops"}));
  EXPECT_EQ(env.pending(), 1u) << "its wake-up is queued";
  env.run();
  EXPECT_EQ(log, (Log{"0 stops", "0 goes on"}));
}

// Zero waits of either priority among entries due at the same instant: each waits behind
// what was queued before it at its priority or a lower one, and only that.
Process zero_waiter(Environment& env, Log& log, std::string name, Priority priority) {
  co_await env.timeout(5);
  note(env, log, name + " waits");
  co_await (priority == Priority::kUrgent ? env.yield_urgent() : env.timeout(0));
  note(env, log, name + " goes on");
}

Process starter(Environment& env, Log& log) {
  co_await env.timeout(5);
  note(env, log, "starter");
  env.start(sleeper(env, log, "child", 0));  // an urgent entry, now
  co_await env.yield_urgent();               // behind the child's start
  note(env, log, "starter after urgent");
  co_await env.yield_urgent();  // nothing urgent due now: at once
  note(env, log, "starter again");
  co_await env.timeout(0);  // behind the normal entries due now
  note(env, log, "starter last");
}

TEST(Environment, ZeroWaitsKeepTheirPlaceAmongEntriesDueNow) {
  Environment env;
  Log log;
  env.start(starter(env, log));
  env.start(zero_waiter(env, log, "n", Priority::kNormal));
  env.start(zero_waiter(env, log, "u", Priority::kUrgent));
  env.run();
  EXPECT_EQ(log, (Log{"5 starter", "5 child start", "5 starter after urgent", "5 starter again",
                      "5 n waits", "5 u waits", "5 u goes on", "5 child woke", "5 starter last",
                      "5 n goes on"}));
}

Process ping(Environment& env, Event& mine, Event& theirs, int rounds, Log& log) {
  for (int i = 0; i < rounds; ++i) {
    co_await mine;
    mine.reset();
    co_await env.timeout(1);
    theirs.succeed();
  }
  note(env, log, "done");
}

TEST(Environment, EventsCanBeReusedForPingPong) {
  Environment env;
  Event a(env), b(env);
  Log log;
  env.start(ping(env, a, b, 3, log));
  env.start(ping(env, b, a, 3, log));
  a.succeed();
  env.run();
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(env.now(), 6);
}

}  // namespace
}  // namespace drsim::sim
