#include "sim/frame_arena.hpp"

#include <cassert>
#include <new>

namespace drsim::sim {
namespace {

struct Header {
  FrameArena* arena;  // null: from the global heap
  std::size_t size_class;
};
static_assert(sizeof(Header) <= 16);

}  // namespace

void* FrameArena::take(std::size_t size_class) {
  if (FreeNode* node = free_[size_class]) {
    free_[size_class] = node->next;
    return node;
  }
  const std::size_t bytes = (size_class + 1) * kClassBytes;
  if (block_used_ + bytes > kBlockBytes) {
    blocks_.push_back(std::make_unique<std::byte[]>(kBlockBytes));
    block_used_ = 0;
  }
  void* p = blocks_.back().get() + block_used_;
  block_used_ += bytes;
  return p;
}

void* FrameArena::allocate(FrameArena* arena, std::size_t size) {
  const std::size_t total = size + kHeader;
  const std::size_t size_class = (total - 1) / kClassBytes;
  void* raw;
  if (arena != nullptr && size_class < kClasses) {
    raw = arena->take(size_class);
    ++arena->live_;
  } else {
    raw = ::operator new(total);
    arena = nullptr;
  }
  *static_cast<Header*>(raw) = Header{arena, size_class};
  return static_cast<std::byte*>(raw) + kHeader;
}

void FrameArena::deallocate(void* frame) noexcept {
  void* raw = static_cast<std::byte*>(frame) - kHeader;
  const Header header = *static_cast<Header*>(raw);
  if (header.arena == nullptr) {
    ::operator delete(raw);
    return;
  }
  assert(header.arena->live_ > 0);
  --header.arena->live_;
  auto* node = static_cast<FreeNode*>(raw);
  node->next = header.arena->free_[header.size_class];
  header.arena->free_[header.size_class] = node;
}

}  // namespace drsim::sim
