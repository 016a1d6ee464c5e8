// The pending-event set of a simulation: what happens next, in a deterministic order.
//
// Entries are ordered by time, then priority, then insertion order, so ties at the same
// instant always resolve the same way. A scheduled entry can be cancelled in O(1) (it is
// skipped when it reaches the top). Storage is two flat arrays reused across trials: the
// hot path (push, pop) performs no allocation once the arrays have grown.
//
// Layout, for speed: the heap holds 16-byte entries — the time, and one word packing
// priority, sequence number and the slot where the callback waits. The sequence number
// alone orders equal times, so the slot bits never decide an order; a slot remembers the
// sequence number of its live entry, which is how a stale (cancelled) heap entry is
// recognised when it reaches the top.
#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

#include "sim/rng.hpp"  // uint128_t
#include "sim/time.hpp"

namespace drsim::sim {

/// What to run when an entry comes due: a plain function and its context pointer.
struct Callback {
  void (*fn)(void* context) = nullptr;
  void* context = nullptr;
};

/// Among entries at the same instant, lower priorities run first.
enum class Priority : std::uint8_t { kUrgent = 0, kNormal = 1, kLate = 2 };

/// Names a scheduled entry, for cancellation. A default-constructed id names nothing.
struct EventId {
  std::uint64_t ticket = 0;  // the entry's sequence number + 1; 0: none
  std::uint32_t slot = 0;
  std::uint32_t epoch = 0;  // which clear() of the queue the entry belongs to
  explicit operator bool() const { return ticket != 0; }
};

class EventQueue {
 public:
  /// Schedules `callback` at `at`. Amortised O(log n); no allocation once warmed up.
  EventId push(Time at, Priority priority, Callback callback);
  /// Cancels a pending entry; false when it already ran or was cancelled.
  bool cancel(EventId id);
  /// True when no live entry is pending.
  bool empty() { return live_ == 0; }
  /// Number of live (not cancelled) pending entries.
  std::size_t size() const { return live_; }
  /// The time of the next live entry; the queue must not be empty.
  Time next_time();
  /// Removes the next live entry, sets `at` to its time and returns its callback.
  Callback pop(Time& at);
  /// If the next live entry is due at or before `limit`, removes it into (`at`, `callback`)
  /// and returns true. One look at the top instead of next_time() followed by pop().
  bool pop_due(Time limit, Time& at, Callback& callback);
  /// Whether a live entry would come before one pushed now at `at` with `priority`: one due
  /// earlier, or at `at` with the same or a lower priority (it was pushed first).
  bool has_due_by(Time at, Priority priority);
  /// Drops everything, keeping capacity for the next trial.
  void clear();

 private:
  static constexpr int kSlotBits = 24;      // up to 16M entries pending at once
  static constexpr int kSequenceBits = 36;  // up to 6.9e10 entries between clears
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  static constexpr std::uint64_t kSequenceMask = (std::uint64_t{1} << kSequenceBits) - 1;

  // One 128-bit key: the time (biased to unsigned, so that negative times still sort
  // first) in the high word, then priority (4 bits) | sequence (36 bits) | slot (24 bits).
  // Comparing entries is then a single unsigned comparison.
  struct Entry {
    uint128_t key;
    Time at() const { return static_cast<Time>(static_cast<std::uint64_t>(key >> 64) ^ kTimeBias); }
    std::uint64_t order() const { return static_cast<std::uint64_t>(key); }
  };
  static constexpr std::uint64_t kTimeBias = std::uint64_t{1} << 63;
  struct Slot {
    Callback callback;
    std::uint64_t ticket = 0;  // sequence + 1 of the live entry using this slot; 0: free
    std::uint32_t next_free = 0;
  };
  static bool before(const Entry& a, const Entry& b) { return a.key < b.key; }
  static std::uint32_t slot_of(const Entry& e) {
    return static_cast<std::uint32_t>(e.order() & kSlotMask);
  }
  static std::uint64_t ticket_of(const Entry& e) {
    return ((e.order() >> kSlotBits) & kSequenceMask) + 1;
  }
  bool live(const Entry& e) const { return slots_[slot_of(e)].ticket == ticket_of(e); }
  void sift_up(std::size_t hole, Entry e);
  void pop_top();
  void drop_cancelled_top();
  Callback take(const Entry& e);
  std::uint32_t allocate_slot();
  void free_slot(std::uint32_t slot);

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::uint32_t free_head_ = UINT32_MAX;
  std::uint64_t sequence_ = 0;
  std::uint32_t epoch_ = 0;
  std::size_t live_ = 0;
};

}  // namespace drsim::sim
