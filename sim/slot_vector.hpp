// A vector whose clear() keeps its elements, and the memory they own, for the next fill.
//
// A trial's world is built again for every trial from the same scenario: the same load
// balancers, services, secrets, records, each a handful of strings and small vectors. Built
// into a std::vector, every trial allocates a copy of each string and frees it at the next
// clear(). Here clear() only forgets how many elements there are; assign_next() copies the
// next one into an element kept from an earlier fill, and copy assignment reuses the
// capacity its strings and vectors already have. Elements past size() are leftovers, never
// seen through this interface.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace drsim::sim {

template <class T>
class SlotVector {
 public:
  using value_type = T;
  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.begin() + static_cast<std::ptrdiff_t>(used_); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.begin() + static_cast<std::ptrdiff_t>(used_); }
  std::size_t size() const { return used_; }
  bool empty() const { return used_ == 0; }
  T& operator[](std::size_t i) { return items_[i]; }
  const T& operator[](std::size_t i) const { return items_[i]; }
  T& back() { return items_[used_ - 1]; }
  const T& back() const { return items_[used_ - 1]; }

  /// Forgets the elements; their memory stays for the next fill.
  void clear() { used_ = 0; }
  /// Appends a copy of `value`, into a kept element when there is one. As with
  /// std::vector, growing past the capacity moves the elements.
  T& assign_next(const T& value) { return append(value); }
  /// Appends an element for the caller to set every field of: one kept from an earlier fill
  /// (still holding its old values, and their memory) or a new default one.
  T& reuse_next() {
    if (used_ == items_.size()) items_.emplace_back();
    return items_[used_++];
  }
  /// Appends `value` (moved into a kept element when there is one).
  T& push_back(T&& value) { return append(std::move(value)); }

 private:
  template <class U>
  T& append(U&& value) {
    if (used_ < items_.size()) {
      items_[used_] = std::forward<U>(value);
    } else {
      items_.push_back(std::forward<U>(value));
    }
    return items_[used_++];
  }

  std::vector<T> items_;
  std::size_t used_ = 0;
};

}  // namespace drsim::sim
