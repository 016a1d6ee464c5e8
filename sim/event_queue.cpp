#include "sim/event_queue.hpp"

namespace drsim::sim {

std::uint32_t EventQueue::allocate_slot() {
  if (free_head_ != UINT32_MAX) {
    const std::uint32_t slot = free_head_;
    free_head_ = slots_[slot].next_free;
    return slot;
  }
  slots_.emplace_back();
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

void EventQueue::free_slot(std::uint32_t slot) {
  Slot& s = slots_[slot];
  // Bump the generation so stale heap entries and EventIds no longer match; skip 0, which
  // means "no event".
  s.generation = s.generation + 1 == 0 ? 1 : s.generation + 1;
  s.next_free = free_head_;
  free_head_ = slot;
}

EventId EventQueue::push(Time at, Priority priority, Callback callback) {
  assert(callback.fn != nullptr);
  const std::uint32_t slot = allocate_slot();
  slots_[slot].callback = callback;
  const Entry e{at, (static_cast<std::uint64_t>(priority) << 56) | sequence_++, slot,
                slots_[slot].generation};
  heap_.push_back(e);
  sift_up(heap_.size() - 1, e);
  ++live_;
  return {slot, e.generation};
}

void EventQueue::sift_up(std::size_t hole, Entry e) {
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / 2;
    if (!before(e, heap_[parent])) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = e;
}

void EventQueue::pop_top() {
  // Hole-based sift-down of the last element from the root ("bottom-up" variant: walk the
  // hole to a leaf along the smaller children, then sift the last element up from there —
  // fewer comparisons than the textbook version, since the last element usually belongs low).
  const Entry last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return;
  std::size_t hole = 0;
  std::size_t child = 1;
  while (child < n) {
    if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
    heap_[hole] = heap_[child];
    hole = child;
    child = 2 * hole + 1;
  }
  sift_up(hole, last);
}

void EventQueue::drop_cancelled_top() {
  while (!heap_.empty() && heap_.front().generation != slots_[heap_.front().slot].generation) {
    pop_top();
  }
}

bool EventQueue::cancel(EventId id) {
  if (!id || id.slot >= slots_.size() || slots_[id.slot].generation != id.generation) return false;
  free_slot(id.slot);
  --live_;
  return true;
}

Time EventQueue::next_time() {
  drop_cancelled_top();
  assert(!heap_.empty());
  return heap_.front().at;
}

Callback EventQueue::pop(Time& at) {
  drop_cancelled_top();
  assert(!heap_.empty());
  const Entry top = heap_.front();
  pop_top();
  at = top.at;
  const Callback callback = slots_[top.slot].callback;
  free_slot(top.slot);
  --live_;
  return callback;
}

void EventQueue::clear() {
  heap_.clear();
  // Keep the slots and bump their generations rather than forgetting them, so that an
  // EventId kept from before the clear can never cancel an entry scheduled after it.
  free_head_ = UINT32_MAX;
  for (std::uint32_t slot = static_cast<std::uint32_t>(slots_.size()); slot-- > 0;) {
    free_slot(slot);
  }
  sequence_ = 0;
  live_ = 0;
}

}  // namespace drsim::sim
