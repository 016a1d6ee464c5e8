// The pending-event set of a simulation: what happens next, in a deterministic order.
//
// Entries are ordered by time, then priority, then insertion order, so ties at the same
// instant always resolve the same way. A scheduled entry can be cancelled in O(1) (it is
// skipped when it reaches the top). Storage is two flat arrays reused across trials: the
// hot path (push, pop) performs no allocation once the arrays have grown.
#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

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
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;  // 0: none
  explicit operator bool() const { return generation != 0; }
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
  /// Drops everything, keeping capacity for the next trial.
  void clear();

 private:
  struct Entry {
    Time at;
    std::uint64_t order;  // priority in the top 8 bits, then a sequence number
    std::uint32_t slot;
    std::uint32_t generation;
  };
  struct Slot {
    Callback callback;
    std::uint32_t generation = 1;
    std::uint32_t next_free = 0;
  };
  static bool before(const Entry& a, const Entry& b) {
    return a.at < b.at || (a.at == b.at && a.order < b.order);
  }
  void sift_up(std::size_t hole, Entry e);
  void pop_top();
  void drop_cancelled_top();
  std::uint32_t allocate_slot();
  void free_slot(std::uint32_t slot);

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::uint32_t free_head_ = UINT32_MAX;
  std::uint64_t sequence_ = 0;
  std::size_t live_ = 0;
};

}  // namespace drsim::sim
