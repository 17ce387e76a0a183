// A hash map from a caller's 64-bit id to the engine's 32-bit slot: open
// addressing with linear probing, kept at most half full, and deletion by
// backward shift (no tombstones). Every command looks an id up, so this is on
// the hot path; std::unordered_map's node per entry costs a cache miss more.
#pragma once

#include <cstdint>
#include <vector>

namespace guichet::routing::detail {

class IdMap {
 public:
  static constexpr std::uint32_t kAbsent = UINT32_MAX;

  std::size_t size() const { return size_; }

  // The slot of `id`, or kAbsent. Id 0 is never stored (it means "none").
  std::uint32_t find(std::uint64_t id) const {
    if (cells_.empty() || id == 0) return kAbsent;
    for (std::size_t i = home(id);; i = (i + 1) & mask_) {
      if (cells_[i].id == id) return cells_[i].slot;
      if (cells_[i].id == 0) return kAbsent;
    }
  }

  // Adds or replaces; id must not be 0.
  void insert(std::uint64_t id, std::uint32_t slot) {
    if ((size_ + 1) * 2 > cells_.size()) grow();
    for (std::size_t i = home(id);; i = (i + 1) & mask_) {
      if (cells_[i].id == id) {
        cells_[i].slot = slot;
        return;
      }
      if (cells_[i].id == 0) {
        cells_[i] = {id, slot};
        ++size_;
        return;
      }
    }
  }

  void erase(std::uint64_t id) {
    if (cells_.empty() || id == 0) return;
    std::size_t hole = home(id);
    while (cells_[hole].id != id) {
      if (cells_[hole].id == 0) return;
      hole = (hole + 1) & mask_;
    }
    // Shift back the entries after the hole that would not be found past it.
    for (std::size_t next = (hole + 1) & mask_; cells_[next].id != 0; next = (next + 1) & mask_) {
      const std::size_t wanted = home(cells_[next].id);
      const bool stays = ((next - wanted) & mask_) < ((next - hole) & mask_);
      if (stays) continue;
      cells_[hole] = cells_[next];
      hole = next;
    }
    cells_[hole] = {};
    --size_;
  }

 private:
  struct Cell {
    std::uint64_t id = 0;
    std::uint32_t slot = 0;
  };

  std::size_t home(std::uint64_t id) const {
    return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
  }

  void grow() {
    std::vector<Cell> old;
    old.swap(cells_);
    const std::size_t capacity = old.empty() ? 64 : old.size() * 2;
    cells_.assign(capacity, Cell{});
    mask_ = capacity - 1;
    shift_ = 64;
    for (std::size_t c = capacity; c > 1; c >>= 1)
      --shift_;
    size_ = 0;
    for (const Cell& cell : old) {
      if (cell.id != 0) insert(cell.id, cell.slot);
    }
  }

  std::vector<Cell> cells_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace guichet::routing::detail
