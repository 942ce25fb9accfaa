#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace ntscada {

// Identifies one input partition.
struct topic_partition {
  std::string topic;
  std::int32_t partition = 0;
  auto operator<=>(const topic_partition&) const = default;
};

// Tracks, per input partition, how many outputs of each consumed offset the
// broker has not yet acknowledged, and from that the offset that is safe to
// commit: the lowest offset with outputs outstanding, or one past the
// highest finished offset when none is outstanding. Offsets are assumed to
// be tracked in increasing order per partition, as a consumer delivers
// them. Not thread-safe: the stream processor calls it from its poll thread,
// where delivery reports are also served.
class offset_tracker {
 public:
  // Records that `offset` produced `outputs` (at least 1) records.
  void track(const topic_partition& tp, std::int64_t offset, int outputs);

  // Records one acknowledged output of `offset`. Returns the new commit
  // position when it advanced, else nullopt. Acknowledgements for
  // partitions that are no longer tracked are ignored.
  std::optional<std::int64_t> acknowledge(const topic_partition& tp,
                                          std::int64_t offset);

  // The commit position of `tp`, or nullopt when nothing was tracked.
  std::optional<std::int64_t> commit_position(const topic_partition& tp) const;

  // Forgets a partition, for example after it was revoked.
  void forget(const topic_partition& tp);

  // Outputs not yet acknowledged, over all partitions.
  std::int64_t outstanding() const { return outstanding_; }

  const std::map<topic_partition, std::int64_t> commit_positions() const;

 private:
  struct partition_state {
    std::map<std::int64_t, int> pending;  // offset -> outputs outstanding
    std::int64_t next_offset = 0;         // one past the highest tracked
  };
  static std::int64_t position_of(const partition_state& state);

  std::map<topic_partition, partition_state> partitions_;
  std::int64_t outstanding_ = 0;
};

}  // namespace ntscada
