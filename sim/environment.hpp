// The discrete-event kernel: virtual time, scheduled callbacks, and processes written as
// C++20 coroutines, with a small SimPy-shaped surface.
//
//   Process restore(Environment& env, Resource& dba) {
//     auto lease = co_await dba.acquire();           // one DBA at a time
//     co_await env.timeout(20 * kMinute);            // wait for a delay
//     int first = co_await any_of(env, done, env.timeout(kHour));  // whichever comes first
//   }
//   env.start(restore(env, dba));
//   env.run();
//
// Models (models/) are written against this file only. Determinism: entries run in order
// of (time, priority, insertion), so the same inputs always give the same history. Speed:
// the per-event path is a heap operation and an indirect call; coroutine frames come from a
// per-Environment FrameArena; waiting registers intrusive nodes that live inside the waiting
// coroutine's own frame, so nothing is allocated per event.
//
// Failures: an exception that escapes a process nobody waits for stops the run and is
// rethrown by run(); one that escapes a process being joined is rethrown in the joiner.
// interrupt() throws Interrupted inside the target at its current co_await.
#pragma once

#include <array>
#include <cassert>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "sim/event_queue.hpp"
#include "sim/frame_arena.hpp"
#include "sim/time.hpp"

namespace drsim::sim {

class Environment;

/// Thrown inside a process at its current co_await when another process interrupts it.
class Interrupted : public std::exception {
 public:
  explicit Interrupted(std::string cause) : cause_(std::move(cause)) {}
  const char* what() const noexcept override { return cause_.c_str(); }
  const std::string& cause() const { return cause_; }

 private:
  std::string cause_;
};

/// Thrown by run() when a trial exceeds its event budget (a process looping forever).
class EventLimitExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------------------
// Waiting machinery (shared by events, processes, timeouts and resources).

class Waiter;
class WaitList;

/// One registration of a waiter with one thing it waits on. Lives inside the waiter.
struct WaitNode {
  WaitNode* prev = nullptr;
  WaitNode* next = nullptr;
  WaitList* list = nullptr;  // the list this node is linked into, if any
  Waiter* owner = nullptr;
  std::uint32_t index = 0;  // which of the owner's waitables (or a resource priority)
  EventId timer;            // when waiting on a Timeout: its queue entry
};

/// Something a process is suspended on. Fired by what it waits for; cancelled by interrupts
/// and by the destruction of the waiting coroutine.
class Waiter {
 public:
  /// What node `index` waited for has happened (with an error when it failed).
  virtual void fire(std::uint32_t index, std::exception_ptr error) = 0;
  /// Withdraws every registration and any scheduled wake-up.
  virtual void cancel() = 0;

 protected:
  ~Waiter() = default;
};

/// An intrusive FIFO of wait nodes. Not movable: nodes point at their list.
class WaitList {
 public:
  WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;
  ~WaitList();

  bool empty() const { return head_ == nullptr; }
  void push_back(WaitNode& node);
  /// Inserts before the first node whose index is greater (stable priority order).
  void insert_by_index(WaitNode& node);
  void remove(WaitNode& node);
  WaitNode* pop_front();

 private:
  WaitNode* head_ = nullptr;
  WaitNode* tail_ = nullptr;
};

/// Removes `node` from whatever it is registered with (a list or a timer), if anything.
void detach(Environment& env, WaitNode& node);

/// Per-process state shared by the process and every sub-task it awaits.
struct ProcessContext {
  Environment* env = nullptr;
  std::uint32_t id = 0;
  Waiter* waiting = nullptr;             // what the process is suspended on, if anything
  std::coroutine_handle<> resume_point;  // the innermost suspended frame
  bool interrupt_pending = false;
  std::string interrupt_cause;
};

namespace detail {

/// The arena new coroutine frames come from when no Environment is among their arguments.
FrameArena*& current_arena();

template <class A>
FrameArena* arena_of(A& a) {
  if constexpr (std::is_same_v<std::remove_cv_t<A>, Environment>) {
    return &a.arena();
  } else if constexpr (requires { a.env().arena(); }) {
    return &a.env().arena();
  } else {
    return nullptr;
  }
}

/// Base of both promise types: frames from the arena, and the shared process context.
struct PromiseBase {
  ProcessContext* context = nullptr;

  template <class... Args>
  static void* operator new(std::size_t size, Args&... args) {
    FrameArena* arena = nullptr;
    ((arena = arena ? arena : arena_of(args)), ...);
    return FrameArena::allocate(arena ? arena : current_arena(), size);
  }
  static void* operator new(std::size_t size) {
    return FrameArena::allocate(current_arena(), size);
  }
  static void operator delete(void* frame) noexcept { FrameArena::deallocate(frame); }
};

/// Common part of every awaiter that suspends: records where to resume, schedules the
/// wake-up when fired, and turns a pending interrupt into an Interrupted exception.
class Suspension : public Waiter {
 public:
  Suspension() = default;
  Suspension(const Suspension&) = delete;
  Suspension& operator=(const Suspension&) = delete;

 protected:
  ~Suspension() = default;
  /// Call from await_suspend; false means "do not suspend" (an interrupt is pending).
  template <class P>
  bool begin(std::coroutine_handle<P> h) {
    context_ = h.promise().context;
    assert(context_ != nullptr && "awaited outside a process started by Environment::start");
    if (context_->interrupt_pending) return false;
    handle_ = h;
    context_->waiting = this;
    context_->resume_point = h;
    return true;
  }
  /// Schedules the resumption of the waiting coroutine at the current instant.
  void wake();
  void cancel_wake();
  /// Call first thing in await_resume.
  void throw_if_interrupted();

  ProcessContext* context_ = nullptr;
  std::coroutine_handle<> handle_;
  EventId wake_;

 private:
  static void on_wake(void* self);
};

}  // namespace detail

// ---------------------------------------------------------------------------------------
// Processes and sub-tasks.

/// The state of a process as its handle reports it.
enum class ProcessState : std::uint8_t { kRunning, kDone, kFailed, kInterrupted };

/// A handle to a started process: ask its state, join it (co_await), or interrupt it.
class ProcessRef {
 public:
  ProcessRef() = default;
  ProcessRef(Environment* env, std::uint32_t id) : env_(env), id_(id) {}

  /// True until the process returns, fails or is ended by an interrupt.
  bool alive() const { return state() == ProcessState::kRunning; }
  ProcessState state() const;
  std::uint32_t id() const { return id_; }

  // The waitable interface (see any_of).
  bool ready() const { return !alive(); }
  std::exception_ptr error() const;
  void attach(WaitNode& node) const;

  class Awaiter;
  Awaiter operator co_await() const;

 private:
  Environment* env_ = nullptr;
  std::uint32_t id_ = 0;
};

/// What a process coroutine returns. Hand it to Environment::start to run it.
class [[nodiscard]] Process {
 public:
  struct promise_type : detail::PromiseBase {
    ProcessContext root;
    std::exception_ptr error;

    promise_type() { context = &root; }
    Process get_return_object() {
      return Process(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct FinalAwaiter {
      bool await_ready() noexcept { return false; }
      void await_suspend(std::coroutine_handle<promise_type> h) noexcept;
      void await_resume() noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { error = std::current_exception(); }
  };

  Process(Process&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Process& operator=(Process&&) = delete;
  ~Process() {
    if (handle_) handle_.destroy();  // never started
  }

 private:
  friend class Environment;
  explicit Process(std::coroutine_handle<promise_type> h) : handle_(h) {}
  std::coroutine_handle<promise_type> handle_;
};

/// A sub-coroutine awaited inline by a process (`T x = co_await step(env, ...)`). It runs in
/// its caller's process: an interrupt of the process reaches it, and its exceptions
/// propagate to the caller.
template <class T = void>
class [[nodiscard]] Task {
 public:
  struct promise_base : detail::PromiseBase {
    std::coroutine_handle<> continuation;
    std::exception_ptr error;
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct FinalAwaiter {
      bool await_ready() noexcept { return false; }
      template <class P>
      std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
        return h.promise().continuation;
      }
      void await_resume() noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }
    void unhandled_exception() { error = std::current_exception(); }
  };
  struct promise_value : promise_base {
    std::optional<T> value;
    void return_value(T v) { value.emplace(std::move(v)); }
  };
  struct promise_void : promise_base {
    void return_void() {}
  };
  struct promise_type : std::conditional_t<std::is_void_v<T>, promise_void, promise_value> {
    Task get_return_object() {
      return Task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
  };

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> caller) noexcept {
    handle_.promise().context = caller.promise().context;
    handle_.promise().continuation = caller;
    return handle_;
  }
  T await_resume() {
    if (handle_.promise().error) std::rethrow_exception(handle_.promise().error);
    if constexpr (!std::is_void_v<T>) return std::move(*handle_.promise().value);
  }

 private:
  explicit Task(std::coroutine_handle<promise_type> h) : handle_(h) {}
  std::coroutine_handle<promise_type> handle_;
};

// ---------------------------------------------------------------------------------------
// Timeouts and events.

/// "Wait until `at`": returned by Environment::timeout/until; awaitable, or usable in any_of.
class Timeout {
 public:
  Timeout(Environment& env, Time at, Priority priority = Priority::kNormal)
      : env_(&env), at_(at), priority_(priority) {}
  Time at() const { return at_; }

  // The waitable interface.
  bool ready() const { return false; }  // even a zero delay yields to the queue
  std::exception_ptr error() const { return nullptr; }
  void attach(WaitNode& node) const;

  class Awaiter : public detail::Suspension {
   public:
    Awaiter(Environment& env, Time at, Priority priority)
        : env_(&env), at_(at), priority_(priority) {}
    ~Awaiter() { cancel(); }
    bool await_ready() const noexcept { return false; }
    template <class P>
    bool await_suspend(std::coroutine_handle<P> h) {
      if (!begin(h)) return false;
      if (go_on_at_once()) return false;
      schedule();
      return true;
    }
    void await_resume() { throw_if_interrupted(); }
    void fire(std::uint32_t, std::exception_ptr) override {}
    void cancel() override;

   private:
    /// A wait until now whose entry would run next (nothing else is due before it) ends at
    /// once, as if that entry had just run: the same order, without the queue's round trip.
    bool go_on_at_once();
    void schedule();
    static void on_due(void* self);
    Environment* env_;
    Time at_;
    Priority priority_;
    EventId entry_;
  };
  Awaiter operator co_await() const { return Awaiter(*env_, at_, priority_); }

 private:
  Environment* env_;
  Time at_;
  Priority priority_;
};

/// A one-shot occurrence processes can wait for: "instance available", "page acknowledged".
/// Owned by the model that triggers it. Triggering wakes every waiter at the current
/// instant, in the order they started waiting.
class Event {
 public:
  explicit Event(Environment& env) : env_(&env) {}
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  bool triggered() const { return state_ != State::kPending; }
  bool failed() const { return state_ == State::kFailed; }
  /// Marks the event as happened and wakes its waiters. No effect if already triggered.
  void succeed();
  /// Marks the event as failed: waiters wake and `error` is thrown in them.
  void fail(std::exception_ptr error);
  /// Back to pending, for reuse (e.g. the next health-check failure).
  void reset();

  // The waitable interface.
  bool ready() const { return triggered(); }
  std::exception_ptr error() const { return error_; }
  void attach(WaitNode& node) { waiters_.push_back(node); }

  class Awaiter;
  Awaiter operator co_await();

 private:
  enum class State : std::uint8_t { kPending, kSucceeded, kFailed };
  void trigger(State state, std::exception_ptr error);
  Environment* env_;
  State state_ = State::kPending;
  std::exception_ptr error_;
  WaitList waiters_;
};

// ---------------------------------------------------------------------------------------
// The environment.

class Environment {
 public:
  explicit Environment(Time start = 0) : now_(start), start_(start) {}
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
  ~Environment();

  /// The current virtual time.
  Time now() const { return now_; }

  /// Runs `callback` at `at` (>= now). Returns an id for cancel().
  EventId schedule(Time at, Callback callback, Priority priority = Priority::kNormal) {
    assert(at >= now_ && "cannot schedule in the past");
    return queue_.push(at, priority, callback);
  }
  /// Cancels a scheduled callback; false when it already ran or was cancelled.
  bool cancel(EventId id) { return queue_.cancel(id); }

  /// A delay to co_await (or to race in any_of).
  Timeout timeout(Duration delay) { return Timeout(*this, now_ + (delay > 0 ? delay : 0)); }
  /// An instant to co_await; an instant in the past means "now".
  Timeout until(Time at) { return Timeout(*this, at > now_ ? at : now_); }
  /// Resumes the process at the current instant before the entries due now, as a process
  /// started now first runs: co_await it, then a sub-task, then timeout(0) (as a joiner is
  /// woken), and the events fall in the order of starting and joining a process for it.
  Timeout yield_urgent() { return Timeout(*this, now_, Priority::kUrgent); }

  /// Starts a process at the current instant (before other entries at this instant).
  ProcessRef start(Process process);
  /// Starts a process and runs it at once, up to its first suspension: for a callback that
  /// finds, when it runs, that a process begins there (start() would run it at the next
  /// urgent entry instead, one entry later).
  ProcessRef start_now(Process process);
  /// Throws Interrupted(cause) inside `process` at its current co_await. No effect on a
  /// process that has ended. Returns whether the process was alive.
  bool interrupt(ProcessRef process, std::string cause);

  /// Processes entries until none is left.
  void run() { run_until(kNever); }
  /// Processes every entry at or before `limit`, then advances now() to `limit`.
  void run_until(Time limit);
  /// Stops run()/run_until() after the current entry.
  void stop() { stop_requested_ = true; }
  /// For a process about to wait until now with `priority`: true when its wake-up entry
  /// would be the next one run (nothing due before it, no stop requested, the event budget
  /// not spent), counting that entry as processed; the process then goes on at once.
  bool continue_at_once(Priority priority) {
    if (stop_requested_ || processed_ >= budget_end_ || queue_.has_due_by(now_, priority))
      return false;
    ++processed_;
    return true;
  }

  /// Destroys every process (even suspended ones), drops pending entries and sets the clock
  /// to `start`: the environment is ready for the next trial, with its memory kept.
  void reset(Time start = 0);

  /// At most this many entries per run()/run_until() call before EventLimitExceeded.
  void set_event_limit(std::uint64_t limit) { event_limit_ = limit; }
  /// Entries processed since construction or the last reset().
  std::uint64_t events_processed() const { return processed_; }
  /// Pending entries.
  std::size_t pending() const { return queue_.size(); }
  /// Processes started and not yet ended.
  std::size_t live_processes() const { return live_processes_; }

  FrameArena& arena() { return arena_; }

 private:
  friend class ProcessRef;
  friend struct Process::promise_type::FinalAwaiter;
  struct ProcessSlot {
    std::coroutine_handle<Process::promise_type> frame;  // null once ended
    ProcessState state = ProcessState::kRunning;
    std::exception_ptr error;
    WaitList joiners;
  };
  void finish(Process::promise_type& promise, std::coroutine_handle<> frame);
  static void resume_context(void* context);
  ProcessContext& adopt(Process& process);

  Time now_;
  Time start_;
  EventQueue queue_;
  FrameArena arena_;
  std::deque<ProcessSlot> processes_;  // deque: joiner lists must not move
  std::size_t live_processes_ = 0;
  std::uint64_t processed_ = 0;
  std::uint64_t event_limit_ = UINT64_MAX;
  // processed_ may reach this in the current run_until (0 outside one: nothing goes on at
  // once there).
  std::uint64_t budget_end_ = 0;
  std::exception_ptr failure_;
  bool stop_requested_ = false;
};

inline bool Timeout::Awaiter::go_on_at_once() {
  if (at_ != env_->now() || !env_->continue_at_once(priority_)) return false;
  context_->waiting = nullptr;  // begin() registered the wait
  return true;
}

// ---------------------------------------------------------------------------------------
// Awaiters for events and processes, and the any_of / all_of combinators.

namespace detail {

/// Waits on exactly one waitable (an Event or a ProcessRef).
template <class W>
class SingleAwaiter : public Suspension {
 public:
  SingleAwaiter(Environment& env, W waitable) : env_(&env), waitable_(waitable) {}
  ~SingleAwaiter() { cancel(); }
  bool await_ready() const { return waitable_.ready(); }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) {
    if (!begin(h)) return false;
    node_.owner = this;
    waitable_.attach(node_);
    return true;
  }
  void await_resume() {
    throw_if_interrupted();
    if (std::exception_ptr e = waitable_.error()) std::rethrow_exception(e);
  }
  void fire(std::uint32_t, std::exception_ptr) override { wake(); }
  void cancel() override {
    detach(*env_, node_);
    cancel_wake();
  }

 private:
  Environment* env_;
  W waitable_;
  WaitNode node_;
};

template <class W>
using Stored = std::conditional_t<std::is_lvalue_reference_v<W> &&
                                      !std::is_copy_constructible_v<std::remove_cvref_t<W>>,
                                  W, std::remove_cvref_t<W>>;

/// Waits for the first (any) or every (all) of several waitables.
template <bool kAll, class... W>
class Combination : public Suspension {
 public:
  static constexpr std::size_t kCount = sizeof...(W);
  explicit Combination(Environment& env, W&&... items)
      : env_(&env), items_(std::forward<W>(items)...) {}
  ~Combination() { cancel(); }

  bool await_ready() {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      if constexpr (kAll) {
        bool all = (std::get<I>(items_).ready() && ...);
        if (!all) return false;
        ((error_ = error_ ? error_ : std::get<I>(items_).error()), ...);
        return true;
      } else {
        ((first_ < 0 && std::get<I>(items_).ready() ? (void)(first_ = I) : void()), ...);
        if (first_ >= 0) error_ = error_at(static_cast<std::size_t>(first_));
        return first_ >= 0;
      }
    }
    (std::index_sequence_for<W...>{});
  }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) {
    if (!begin(h)) return false;
    remaining_ = 0;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (attach_one<I>(), ...);
    }
    (std::index_sequence_for<W...>{});
    return true;
  }
  /// any_of: the index of the first waitable to happen; all_of: the number of waitables.
  int await_resume() {
    throw_if_interrupted();
    if (error_) std::rethrow_exception(error_);
    return kAll ? static_cast<int>(kCount) : first_;
  }
  void fire(std::uint32_t index, std::exception_ptr error) override {
    nodes_[index].owner = nullptr;  // fired: no longer registered
    if (error || !kAll) {
      error_ = error;
      first_ = static_cast<int>(index);
      detach_all();
      wake();
    } else if (--remaining_ == 0) {
      wake();
    }
  }
  void cancel() override {
    detach_all();
    cancel_wake();
  }

 private:
  template <std::size_t I>
  void attach_one() {
    auto& item = std::get<I>(items_);
    if (kAll && item.ready()) return;  // already happened: nothing to wait for
    nodes_[I].owner = this;
    nodes_[I].index = I;
    item.attach(nodes_[I]);
    ++remaining_;
  }
  std::exception_ptr error_at(std::size_t index) {
    std::exception_ptr e;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((I == index ? (void)(e = std::get<I>(items_).error()) : void()), ...);
    }
    (std::index_sequence_for<W...>{});
    return e;
  }
  void detach_all() {
    for (auto& node : nodes_) detach(*env_, node);
  }

  Environment* env_;
  std::tuple<Stored<W>...> items_;
  std::array<WaitNode, kCount> nodes_{};
  std::size_t remaining_ = 0;
  int first_ = -1;
  std::exception_ptr error_;
};

}  // namespace detail

class ProcessRef::Awaiter : public detail::SingleAwaiter<ProcessRef> {
  using SingleAwaiter::SingleAwaiter;
};
inline ProcessRef::Awaiter ProcessRef::operator co_await() const {
  return Awaiter(*env_, *this);
}

class Event::Awaiter : public detail::SingleAwaiter<Event&> {
  using SingleAwaiter::SingleAwaiter;
};
inline Event::Awaiter Event::operator co_await() {
  return Awaiter(*env_, *this);
}

/// co_await any_of(env, a, b, ...) resumes when the first of the waitables (Events,
/// ProcessRefs, Timeouts) happens and yields its index; the others are withdrawn. If that
/// one failed, its error is thrown instead.
template <class... W>
detail::Combination<false, W...> any_of(Environment& env, W&&... waitables) {
  static_assert(sizeof...(W) > 0);
  return detail::Combination<false, W...>(env, std::forward<W>(waitables)...);
}

/// co_await all_of(env, a, b, ...) resumes when every waitable has happened, or at the
/// first failure (whose error it throws).
template <class... W>
detail::Combination<true, W...> all_of(Environment& env, W&&... waitables) {
  static_assert(sizeof...(W) > 0);
  return detail::Combination<true, W...>(env, std::forward<W>(waitables)...);
}

}  // namespace drsim::sim
