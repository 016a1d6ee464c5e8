#include "sim/environment.hpp"

namespace drsim::sim {

// ------------------------------------------------------------------------- wait lists

WaitList::~WaitList() {
  // The waiters outlive this list only when a model's state is torn down before its
  // processes; unlink them so their own clean-up does not touch freed memory.
  while (WaitNode* node = pop_front()) (void)node;
}

void WaitList::push_back(WaitNode& node) {
  assert(node.list == nullptr);
  node.list = this;
  node.next = nullptr;
  node.prev = tail_;
  (tail_ ? tail_->next : head_) = &node;
  tail_ = &node;
}

void WaitList::insert_by_index(WaitNode& node) {
  WaitNode* after = tail_;
  while (after != nullptr && after->index > node.index) after = after->prev;
  if (after == tail_) return push_back(node);
  node.list = this;
  node.prev = after;
  node.next = after ? after->next : head_;
  node.next->prev = &node;
  (after ? after->next : head_) = &node;
}

void WaitList::remove(WaitNode& node) {
  assert(node.list == this);
  (node.prev ? node.prev->next : head_) = node.next;
  (node.next ? node.next->prev : tail_) = node.prev;
  node.prev = node.next = nullptr;
  node.list = nullptr;
}

WaitNode* WaitList::pop_front() {
  WaitNode* node = head_;
  if (node != nullptr) remove(*node);
  return node;
}

void detach(Environment& env, WaitNode& node) {
  if (node.list != nullptr) node.list->remove(node);
  if (node.timer) {
    env.cancel(node.timer);
    node.timer = {};
  }
}

// ------------------------------------------------------------------------- suspension

namespace detail {

FrameArena*& current_arena() {
  thread_local FrameArena* arena = nullptr;
  return arena;
}

void Suspension::wake() {
  wake_ = context_->env->schedule(context_->env->now(), Callback{&Suspension::on_wake, this});
}

void Suspension::on_wake(void* self) {
  auto* s = static_cast<Suspension*>(self);
  s->wake_ = {};
  s->context_->waiting = nullptr;
  s->handle_.resume();
}

void Suspension::cancel_wake() {
  if (wake_) {
    context_->env->cancel(wake_);
    wake_ = {};
  }
}

void Suspension::throw_if_interrupted() {
  if (context_ != nullptr && context_->interrupt_pending) {
    context_->interrupt_pending = false;
    throw Interrupted(std::exchange(context_->interrupt_cause, {}));
  }
}

}  // namespace detail

// ------------------------------------------------------------------------- timeouts

void Timeout::attach(WaitNode& node) const {
  node.timer = env_->schedule(at_,
                              Callback{[](void* p) {
                                         auto* n = static_cast<WaitNode*>(p);
                                         n->timer = {};
                                         n->owner->fire(n->index, nullptr);
                                       },
                                       &node},
                              priority_);
}

void Timeout::Awaiter::schedule() {
  entry_ = env_->schedule(at_, Callback{&Awaiter::on_due, this}, priority_);
}

void Timeout::Awaiter::on_due(void* self) {
  auto* a = static_cast<Awaiter*>(self);
  a->entry_ = {};
  a->context_->waiting = nullptr;
  a->handle_.resume();
}

void Timeout::Awaiter::cancel() {
  if (entry_) {
    env_->cancel(entry_);
    entry_ = {};
  }
}

// ------------------------------------------------------------------------- events

void Event::trigger(State state, std::exception_ptr error) {
  if (state_ != State::kPending) return;
  state_ = state;
  error_ = std::move(error);
  // Each waiter schedules its own wake-up at this instant, in registration order.
  while (WaitNode* node = waiters_.pop_front()) node->owner->fire(node->index, error_);
}

void Event::succeed() {
  trigger(State::kSucceeded, nullptr);
}

void Event::fail(std::exception_ptr error) {
  assert(error != nullptr);
  trigger(State::kFailed, std::move(error));
}

void Event::reset() {
  state_ = State::kPending;
  error_ = nullptr;
}

// ------------------------------------------------------------------------- processes

ProcessState ProcessRef::state() const {
  assert(env_ != nullptr);
  return env_->processes_[id_].state;
}

std::exception_ptr ProcessRef::error() const {
  const auto& slot = env_->processes_[id_];
  return slot.state == ProcessState::kFailed ? slot.error : nullptr;
}

void ProcessRef::attach(WaitNode& node) const {
  env_->processes_[id_].joiners.push_back(node);
}

void Process::promise_type::FinalAwaiter::await_suspend(
    std::coroutine_handle<promise_type> h) noexcept {
  h.promise().root.env->finish(h.promise(), h);
}

ProcessContext& Environment::adopt(Process& process) {
  auto frame = std::exchange(process.handle_, {});
  assert(frame);
  const auto id = static_cast<std::uint32_t>(processes_.size());
  processes_.emplace_back().frame = frame;
  ProcessContext& context = frame.promise().root;
  context.env = this;
  context.id = id;
  context.resume_point = frame;
  ++live_processes_;
  return context;
}

ProcessRef Environment::start(Process process) {
  ProcessContext& context = adopt(process);
  schedule(now_, Callback{&Environment::resume_context, &context}, Priority::kUrgent);
  return ProcessRef(this, context.id);
}

ProcessRef Environment::start_now(Process process) {
  ProcessContext& context = adopt(process);
  const std::uint32_t id = context.id;  // the context may be gone when the process ends
  context.resume_point.resume();
  return ProcessRef(this, id);
}

void Environment::resume_context(void* context) {
  static_cast<ProcessContext*>(context)->resume_point.resume();
}

bool Environment::interrupt(ProcessRef process, std::string cause) {
  ProcessSlot& slot = processes_[process.id()];
  if (slot.state != ProcessState::kRunning) return false;
  ProcessContext& context = slot.frame.promise().root;
  context.interrupt_pending = true;
  context.interrupt_cause = std::move(cause);
  if (Waiter* waiter = std::exchange(context.waiting, nullptr)) {
    waiter->cancel();
    schedule(now_, Callback{&Environment::resume_context, &context}, Priority::kUrgent);
  }
  // Otherwise the process is running right now or has not started yet: it sees the
  // pending interrupt at its next co_await.
  return true;
}

void Environment::finish(Process::promise_type& promise, std::coroutine_handle<> frame) {
  ProcessSlot& slot = processes_[promise.root.id];
  slot.frame = {};
  --live_processes_;
  if (promise.error) {
    try {
      std::rethrow_exception(promise.error);
    } catch (const Interrupted&) {
      slot.state = ProcessState::kInterrupted;  // ended by an interrupt it did not handle
    } catch (...) {
      slot.state = ProcessState::kFailed;
      slot.error = promise.error;
      if (slot.joiners.empty() && !failure_) failure_ = promise.error;
    }
  } else {
    slot.state = ProcessState::kDone;
  }
  while (WaitNode* node = slot.joiners.pop_front()) node->owner->fire(node->index, slot.error);
  frame.destroy();
}

// ------------------------------------------------------------------------- running

void Environment::run_until(Time limit) {
  FrameArena* const outer_arena = std::exchange(detail::current_arena(), &arena_);
  struct RestoreArena {
    FrameArena* previous;
    ~RestoreArena() { detail::current_arena() = previous; }
  } restore{outer_arena};

  stop_requested_ = false;
  const std::uint64_t budget_end =
      event_limit_ > UINT64_MAX - processed_ ? UINT64_MAX : processed_ + event_limit_;
  struct Budget {
    std::uint64_t& end;
    ~Budget() { end = 0; }
  } budget{budget_end_};
  budget_end_ = budget_end;
  Time at;
  Callback callback;
  while (!stop_requested_ && queue_.pop_due(limit, at, callback)) {
    now_ = at;
    if (++processed_ > budget_end) {
      throw EventLimitExceeded("more than " + std::to_string(event_limit_) +
                               " events in one run: a process may be looping forever");
    }
    callback.fn(callback.context);
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  }
  if (limit != kNever && limit > now_ && !stop_requested_) now_ = limit;
}

void Environment::reset(Time start) {
  // Destroying a suspended frame runs its awaiters' destructors, which withdraw their
  // registrations and queue entries; so the queue is cleared only afterwards.
  for (ProcessSlot& slot : processes_) {
    if (slot.frame) slot.frame.destroy();
  }
  processes_.clear();
  queue_.clear();
  live_processes_ = 0;
  processed_ = 0;
  failure_ = nullptr;
  stop_requested_ = false;
  now_ = start_ = start;
  assert(arena_.live_frames() == 0);
}

Environment::~Environment() {
  reset(start_);
}

}  // namespace drsim::sim
