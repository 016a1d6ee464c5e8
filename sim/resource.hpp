// A resource with a capacity that processes hold for a while: people on call, concurrent
// snapshot-copy slots in a region, API rate. Two engineers on call cannot do five manual
// steps at once; the third step waits until one of them is free.
//
//   Lease lease = co_await engineers.acquire();   // waits while all are busy
//   co_await env.timeout(assess);                  // held until `lease` goes out of scope
//
// Waiting requests are served by priority (lower first), then in arrival order. A process
// interrupted while waiting leaves the queue; one interrupted after being granted a unit
// hands it back. Leases release on destruction, including when a trial is cut off.
#pragma once

#include <cstdint>
#include <utility>

#include "sim/environment.hpp"

namespace drsim::sim {

class Resource;

/// One unit of a Resource, held until destroyed or released.
class [[nodiscard]] Lease {
 public:
  Lease() = default;
  explicit Lease(Resource& resource) : resource_(&resource) {}
  Lease(Lease&& other) noexcept : resource_(std::exchange(other.resource_, nullptr)) {}
  Lease& operator=(Lease&& other) noexcept {
    if (this != &other) {
      release();
      resource_ = std::exchange(other.resource_, nullptr);
    }
    return *this;
  }
  ~Lease() { release(); }
  /// Gives the unit back now.
  void release();
  bool held() const { return resource_ != nullptr; }

 private:
  Resource* resource_ = nullptr;
};

class Resource {
 public:
  Resource(Environment& env, std::uint32_t capacity) : env_(&env), capacity_(capacity) {}
  Resource(const Resource&) = delete;
  Resource& operator=(const Resource&) = delete;

  class Awaiter : public detail::Suspension {
   public:
    Awaiter(Resource& resource, std::uint32_t priority) : resource_(&resource) {
      node_.index = priority;
    }
    ~Awaiter() { cancel(); }
    bool await_ready() { return resource_->try_take(); }
    template <class P>
    bool await_suspend(std::coroutine_handle<P> h) {
      if (!begin(h)) return false;
      node_.owner = this;
      resource_->queue_.insert_by_index(node_);
      return true;
    }
    Lease await_resume();
    void fire(std::uint32_t, std::exception_ptr) override;
    void cancel() override;

   private:
    Resource* resource_;
    WaitNode node_;
    bool granted_ = false;
  };

  /// co_await acquire() yields a Lease once a unit is free. Lower priorities go first.
  Awaiter acquire(std::uint32_t priority = 1) { return Awaiter(*this, priority); }

  std::uint32_t capacity() const { return capacity_; }
  std::uint32_t in_use() const { return in_use_; }
  bool has_waiters() const { return !queue_.empty(); }
  /// Changes the capacity (a shift change); extra units go to waiters at once. Units held
  /// beyond a lowered capacity are kept until released.
  void set_capacity(std::uint32_t capacity);

 private:
  friend class Lease;
  bool try_take();
  void release();
  void grant_waiters();

  Environment* env_;
  std::uint32_t capacity_;
  std::uint32_t in_use_ = 0;
  WaitList queue_;
};

}  // namespace drsim::sim
