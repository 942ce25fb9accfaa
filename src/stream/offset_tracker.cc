#include "stream/offset_tracker.h"

namespace ntscada {

void offset_tracker::track(const topic_partition& tp, std::int64_t offset,
                           int outputs) {
  partition_state& state = partitions_[tp];
  state.pending[offset] += outputs;
  if (offset + 1 > state.next_offset) state.next_offset = offset + 1;
  outstanding_ += outputs;
}

std::int64_t offset_tracker::position_of(const partition_state& state) {
  return state.pending.empty() ? state.next_offset
                               : state.pending.begin()->first;
}

std::optional<std::int64_t> offset_tracker::acknowledge(
    const topic_partition& tp, std::int64_t offset) {
  auto partition = partitions_.find(tp);
  if (partition == partitions_.end()) return std::nullopt;
  partition_state& state = partition->second;
  auto entry = state.pending.find(offset);
  if (entry == state.pending.end()) return std::nullopt;

  std::int64_t before = position_of(state);
  --outstanding_;
  if (--entry->second > 0) return std::nullopt;
  state.pending.erase(entry);
  std::int64_t after = position_of(state);
  if (after == before) return std::nullopt;
  return after;
}

std::optional<std::int64_t> offset_tracker::commit_position(
    const topic_partition& tp) const {
  auto partition = partitions_.find(tp);
  if (partition == partitions_.end()) return std::nullopt;
  return position_of(partition->second);
}

void offset_tracker::forget(const topic_partition& tp) {
  auto partition = partitions_.find(tp);
  if (partition == partitions_.end()) return;
  for (const auto& [offset, count] : partition->second.pending) {
    outstanding_ -= count;
  }
  partitions_.erase(partition);
}

const std::map<topic_partition, std::int64_t> offset_tracker::commit_positions()
    const {
  std::map<topic_partition, std::int64_t> positions;
  for (const auto& [tp, state] : partitions_) {
    positions.emplace(tp, position_of(state));
  }
  return positions;
}

}  // namespace ntscada
