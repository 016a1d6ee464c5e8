#include "sim/resource.hpp"

namespace drsim::sim {

void Lease::release() {
  if (Resource* r = std::exchange(resource_, nullptr)) r->release();
}

bool Resource::try_take() {
  if (in_use_ < capacity_ && queue_.empty()) {
    ++in_use_;
    return true;
  }
  return false;
}

void Resource::release() {
  assert(in_use_ > 0);
  --in_use_;
  grant_waiters();
}

void Resource::grant_waiters() {
  while (in_use_ < capacity_) {
    WaitNode* node = queue_.pop_front();
    if (node == nullptr) return;
    ++in_use_;  // the unit passes straight to the waiter
    node->owner->fire(node->index, nullptr);
  }
}

void Resource::set_capacity(std::uint32_t capacity) {
  capacity_ = capacity;
  grant_waiters();
}

Lease Resource::Awaiter::await_resume() {
  // An interrupt while waiting already withdrew the request (and returned a granted unit)
  // through cancel(), so there is nothing to undo here.
  throw_if_interrupted();
  granted_ = false;
  return Lease(*resource_);
}

void Resource::Awaiter::fire(std::uint32_t, std::exception_ptr) {
  granted_ = true;
  wake();
}

void Resource::Awaiter::cancel() {
  if (node_.list != nullptr) node_.list->remove(node_);
  cancel_wake();
  if (granted_) {  // granted but never resumed: hand the unit on
    granted_ = false;
    resource_->release();
  }
}

}  // namespace drsim::sim
