// Memory for coroutine frames: pooled per Environment so that starting a process or
// awaiting a sub-task in the per-trial loop does not call the global allocator.
//
// Frames are sized by the compiler; the arena rounds them up to 64-byte classes and keeps a
// free list per class. Blocks are never returned to the system until the arena dies, so a
// worker that runs a million trials reaches a steady state after the first few. Frames too
// large for a class come from the global heap. Every frame carries a 16-byte header naming
// its arena, so a frame can be freed without knowing where it came from.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <vector>

namespace drsim::sim {

class FrameArena {
 public:
  FrameArena() = default;
  FrameArena(const FrameArena&) = delete;
  FrameArena& operator=(const FrameArena&) = delete;

  /// Allocates a coroutine frame of `size` bytes (with header) from `arena`, or from the
  /// global heap when `arena` is null.
  static void* allocate(FrameArena* arena, std::size_t size);
  /// Frees a frame allocated by allocate(), wherever it came from.
  static void deallocate(void* frame) noexcept;

  /// Frames handed out and not yet freed (for tests and leak assertions).
  std::size_t live_frames() const { return live_; }
  /// Bytes reserved from the system.
  std::size_t reserved_bytes() const { return blocks_.size() * kBlockBytes; }

 private:
  static constexpr std::size_t kHeader = 16;
  static constexpr std::size_t kClassBytes = 64;
  static constexpr std::size_t kClasses = 32;  // frames up to 2 KiB are pooled
  static constexpr std::size_t kBlockBytes = 64 * 1024;
  struct FreeNode {
    FreeNode* next;
  };
  void* take(std::size_t size_class);

  std::array<FreeNode*, kClasses> free_{};
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::size_t block_used_ = kBlockBytes;
  std::size_t live_ = 0;
};

}  // namespace drsim::sim
