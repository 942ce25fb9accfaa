#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "kafka/client_config.h"

namespace ntscada {

// Publishes JSON readings to one topic, keyed by sensor id, with an
// idempotent producer. Used by the replay and simulate commands and by tests.
// Not thread-safe: use from one thread.
class reading_publisher {
 public:
  static result<std::unique_ptr<reading_publisher>, std::string> create(
      const std::string& brokers, std::string topic,
      const kafka_properties& overrides = {});
  ~reading_publisher();

  // Queues one message, waiting while the local queue is full. Returns
  // false only on a fatal producer error.
  bool publish(std::string_view key, std::string_view value);

  // Waits up to `timeout_ms` for every queued message to be acknowledged.
  // Returns true when none is left.
  bool flush(int timeout_ms);

  std::uint64_t acknowledged() const { return acknowledged_.load(); }
  std::uint64_t failed() const { return failed_.load(); }

 private:
  reading_publisher(kafka_handle_ptr handle, std::string topic);
  static void delivery_callback(rd_kafka_t*, const rd_kafka_message_t* message,
                                void* opaque);

  kafka_handle_ptr handle_;
  std::string topic_;
  std::atomic<std::uint64_t> acknowledged_{0};
  std::atomic<std::uint64_t> failed_{0};
};

}  // namespace ntscada
