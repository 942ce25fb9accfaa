#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "kafka/client_config.h"
#include "kafka/mock_cluster.h"
#include "kafka/topics.h"
#include "stream/stream_processor.h"

namespace ntscada::testing {

// One consumed Kafka record, copied out of librdkafka.
struct consumed_record {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// Starts an embedded broker with the four scada.* topics.
std::unique_ptr<mock_cluster> start_cluster(int partitions);

// Reads every partition of `topic` from the beginning, without a group,
// until `expected` records arrived or `timeout` passed; then keeps reading
// for `settle` to catch records beyond the expected count.
std::vector<consumed_record> read_topic(
    const std::string& brokers, const std::string& topic, std::size_t expected,
    std::chrono::milliseconds timeout = std::chrono::seconds(30),
    std::chrono::milliseconds settle = std::chrono::milliseconds(300));

// Produces `value` with `key` to `partition` (-1 for the key's partition)
// and waits for acknowledgement.
void produce_all(
    const std::string& brokers, const std::string& topic,
    const std::vector<std::pair<std::string, std::string>>& records,
    std::int32_t partition = -1);

// The committed offset of `group` on one partition, or -1 when none.
std::int64_t committed_offset(const std::string& brokers,
                              const std::string& group,
                              const std::string& topic, std::int32_t partition);

// Options for a processor against the embedded broker: one-millisecond
// fetch waits, because the mock broker delays an empty fetch for the whole
// fetch.wait.max.ms.
stream_options test_stream_options(const std::string& brokers,
                                   const std::string& group);

// Runs a stream processor on a background thread until stop() is called.
class running_processor {
 public:
  running_processor(stream_options options, std::unique_ptr<scorer> scoring);
  ~running_processor();

  // Sets the stop flag and waits; returns run()'s exit code.
  int stop();
  const stream_stats& stats() const { return processor_->stats(); }

 private:
  std::unique_ptr<stream_processor> processor_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  int exit_code_ = -1;
};

// A valid reading as JSON.
std::string reading_json(const std::string& sensor_id,
                         const std::string& sensor_type, double value,
                         std::int64_t timestamp_ms);

}  // namespace ntscada::testing
