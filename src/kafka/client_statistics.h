#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ntscada {

// How far a consumer is behind on one assigned partition.
struct partition_lag {
  std::string topic;
  std::int32_t partition = 0;
  // Messages between the partition's high watermark and the consumer's
  // position: its stored offset, else its committed offset, else (before
  // any commit) the partition's low watermark.
  std::int64_t messages = 0;
};

// The latest statistics that librdkafka emitted for one client handle
// (enabled by statistics.interval.ms and a stats callback): how many
// brokers are connected and the lag of each assigned partition. update()
// is called from the thread that serves the handle's callbacks; the
// readers may run on any thread. Thread-safe.
class client_statistics {
 public:
  // Parses one statistics document (see librdkafka's STATISTICS.md) and
  // replaces the stored state. Invalid JSON keeps the previous state and
  // returns the parser's message.
  result<bool, std::string> update(std::string_view json);

  // True once a document was parsed.
  bool received() const;
  // Brokers (not bootstrap or internal entries) in state UP in the last
  // document.
  int brokers_up() const;
  // Brokers with a known node id in the last document.
  int brokers_known() const;
  // Lag of the partitions that the consumer is fetching, by topic and
  // partition. Partitions whose lag librdkafka does not know yet are left
  // out.
  std::vector<partition_lag> partition_lags() const;
  // When the last document was parsed; nullopt before the first.
  std::optional<std::chrono::steady_clock::time_point> last_update() const;

 private:
  mutable std::mutex mutex_;
  bool received_ = false;
  int brokers_up_ = 0;
  int brokers_known_ = 0;
  std::vector<partition_lag> lags_;
  std::chrono::steady_clock::time_point last_update_{};
};

}  // namespace ntscada
