#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "kafka/client_statistics.h"
#include "monitoring/histogram.h"
#include "reading/reject_reason.h"
#include "rules/operational_state.h"
#include "stream/model_identity.h"

namespace ntscada {

// Counters of one stream processor. Written by the processing thread and
// readable from any thread (the metrics endpoint, the demo's summary).
// Counters only grow; they reset when the process restarts.
struct stream_stats {
  using counter = std::atomic<std::uint64_t>;

  // Input partitions currently assigned to this processor.
  std::atomic<std::int64_t> assigned_partitions{0};
  counter messages_consumed{0};
  counter readings_valid{0};
  counter coerced_numeric_strings{0};
  counter consumer_errors{0};
  // Outputs acknowledged by the broker.
  counter results_acknowledged{0};
  counter anomalies_acknowledged{0};
  counter deadletters_acknowledged{0};
  // Verdicts, counted when the reading is scored.
  std::array<counter, all_severities.size()> anomalies_by_severity{};
  std::array<counter, all_operational_states.size()> states{};
  std::array<counter, all_reject_reasons.size()> deadletters_by_reason{};
  // Outputs whose delivery failed and that were produced again.
  counter produce_retries{0};
  // Outputs that the broker rejected for good (for example as too large)
  // and that were skipped after an error log.
  counter outputs_dropped{0};

  // From the input record's Kafka timestamp (producer CreateTime or broker
  // LogAppendTime) to the broker's acknowledgement of the reading's result
  // or dead letter, in seconds. It includes time spent waiting in the topic.
  histogram end_to_end_latency{latency_buckets_seconds()};
  // From consumption to that acknowledgement, in seconds.
  histogram processing_latency{latency_buckets_seconds()};
  // Parsing, scoring and enqueueing one micro-batch, in seconds.
  histogram batch_duration{duration_buckets_seconds()};
  // The consumer's latest librdkafka statistics: broker connections and
  // lag per partition.
  client_statistics consumer_statistics;

  // Replaces the identity exported as ntscada_stream_model_info. The
  // processor sets it from the scorer's detector at construction, and a
  // model loader calls it again after loading or replacing a model.
  void set_model(model_identity identity) {
    std::lock_guard lock(model_mutex);
    model_ = std::move(identity);
  }
  model_identity model() const {
    std::lock_guard lock(model_mutex);
    return model_;
  }

  void count_delivery_error(const std::string& error_name) {
    std::lock_guard lock(delivery_errors_mutex);
    ++delivery_errors[error_name];
  }
  std::map<std::string, std::uint64_t> delivery_errors_snapshot() const {
    std::lock_guard lock(delivery_errors_mutex);
    return delivery_errors;
  }

 private:
  mutable std::mutex delivery_errors_mutex;
  std::map<std::string, std::uint64_t> delivery_errors;
  mutable std::mutex model_mutex;
  model_identity model_;
};

}  // namespace ntscada
