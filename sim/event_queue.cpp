#include "sim/event_queue.hpp"

#include <stdexcept>

namespace drsim::sim {

std::uint32_t EventQueue::allocate_slot() {
  if (free_head_ != UINT32_MAX) {
    const std::uint32_t slot = free_head_;
    free_head_ = slots_[slot].next_free;
    return slot;
  }
  if (slots_.size() > kSlotMask) throw std::length_error("more than 16M events pending at once");
  slots_.emplace_back();
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

void EventQueue::free_slot(std::uint32_t slot) {
  slots_[slot].ticket = 0;
  slots_[slot].next_free = free_head_;
  free_head_ = slot;
}

EventId EventQueue::push(Time at, Priority priority, Callback callback) {
  assert(callback.fn != nullptr);
  if (sequence_ > kSequenceMask) throw std::length_error("more than 2^36 events in one run");
  const std::uint32_t slot = allocate_slot();
  const std::uint64_t sequence = sequence_++;
  slots_[slot].callback = callback;
  slots_[slot].ticket = sequence + 1;
  const std::uint64_t order =
      (static_cast<std::uint64_t>(priority) << (kSequenceBits + kSlotBits)) |
      (sequence << kSlotBits) | slot;
  const Entry e{(static_cast<uint128_t>(static_cast<std::uint64_t>(at) ^ kTimeBias) << 64) | order};
  heap_.push_back(e);
  sift_up(heap_.size() - 1, e);
  ++live_;
  return {sequence + 1, slot, epoch_};
}

void EventQueue::sift_up(std::size_t hole, Entry e) {
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / 4;
    if (!before(e, heap_[parent])) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = e;
}

void EventQueue::pop_top() {
  // Bottom-up deletion: walk the hole from the root to a leaf along the smallest children,
  // then sift the last element up from there. The last element usually belongs near the
  // bottom, so this takes fewer comparisons than sifting it down from the root.
  const Entry last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return;
  std::size_t hole = 0;
  for (;;) {
    const std::size_t first = 4 * hole + 1;
    std::size_t best;
    if (first + 3 < n) {
      // All four children exist (the common case): a tournament of three comparisons that
      // the compiler turns into conditional moves rather than unpredictable branches.
      const Entry* c = &heap_[first];
      const std::size_t left = before(c[1], c[0]) ? 1 : 0;
      const std::size_t right = before(c[3], c[2]) ? 3 : 2;
      best = first + (before(c[right], c[left]) ? right : left);
    } else if (first < n) {
      best = first;
      for (std::size_t c = first + 1; c < n; ++c) {
        if (before(heap_[c], heap_[best])) best = c;
      }
    } else {
      break;
    }
    heap_[hole] = heap_[best];
    hole = best;
  }
  sift_up(hole, last);
}

void EventQueue::drop_cancelled_top() {
  while (!heap_.empty() && !live(heap_.front())) pop_top();
}

Callback EventQueue::take(const Entry& e) {
  const std::uint32_t slot = slot_of(e);
  const Callback callback = slots_[slot].callback;
  free_slot(slot);
  --live_;
  return callback;
}

bool EventQueue::cancel(EventId id) {
  if (!id || id.epoch != epoch_ || id.slot >= slots_.size() ||
      slots_[id.slot].ticket != id.ticket) {
    return false;
  }
  free_slot(id.slot);
  --live_;
  return true;
}

Time EventQueue::next_time() {
  drop_cancelled_top();
  assert(!heap_.empty());
  return heap_.front().at();
}

Callback EventQueue::pop(Time& at) {
  drop_cancelled_top();
  assert(!heap_.empty());
  const Entry top = heap_.front();
  pop_top();
  at = top.at();
  return take(top);
}

bool EventQueue::pop_due(Time limit, Time& at, Callback& callback) {
  drop_cancelled_top();
  if (heap_.empty() || heap_.front().at() > limit) return false;
  const Entry top = heap_.front();
  pop_top();
  at = top.at();
  callback = take(top);
  return true;
}

bool EventQueue::has_due_by(Time at, Priority priority) {
  drop_cancelled_top();
  if (heap_.empty()) return false;
  // The largest key at (at, priority): any sequence number, any slot.
  const std::uint64_t order =
      ((static_cast<std::uint64_t>(priority) + 1) << (kSequenceBits + kSlotBits)) - 1;
  const uint128_t last =
      (static_cast<uint128_t>(static_cast<std::uint64_t>(at) ^ kTimeBias) << 64) | order;
  return heap_.front().key <= last;
}

void EventQueue::clear() {
  heap_.clear();
  free_head_ = UINT32_MAX;
  for (std::uint32_t slot = static_cast<std::uint32_t>(slots_.size()); slot-- > 0;) {
    free_slot(slot);
  }
  // Sequence numbers restart, so an id kept from before the clear could name a new entry
  // with the same slot and ticket; the epoch tells them apart.
  sequence_ = 0;
  ++epoch_;
  live_ = 0;
}

}  // namespace drsim::sim
