#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "common/result.h"
#include "demo/evaluation.h"
#include "kafka/client_config.h"
#include "kafka/topics.h"
#include "reading/reading.h"

namespace ntscada {

// The verdict and label of one data-set row: a row is flagged when any of
// its readings is flagged.
struct row_outcome {
  bool predicted = false;
  bool labelled_anomaly = false;
  // Sum over the row's readings of the anomaly probability, recovered from
  // each verdict as its confidence when anomalous, else 1 - confidence.
  double probability_sum = 0;
  int readings = 0;

  void add(bool reading_predicted, bool label, double confidence) {
    predicted = predicted || reading_predicted;
    labelled_anomaly = labelled_anomaly || label;
    probability_sum += reading_predicted ? confidence : 1.0 - confidence;
    ++readings;
  }
  // The row verdict of `ntscada evaluate`: mean probability >= 0.5.
  bool mean_predicted() const {
    return readings > 0 && probability_sum / readings >= 0.5;
  }
};

// Aggregates of what the collector read from the output topics.
struct collected_outputs {
  std::uint64_t results = 0;      // distinct inputs with a processed record
  std::uint64_t duplicates = 0;   // processed records beyond the first
  std::uint64_t deadletters = 0;  // distinct inputs dead-lettered
  std::uint64_t anomalies = 0;
  std::map<std::string, std::uint64_t> states;
  // Results per `detector` value, and those scored while warming up.
  std::map<std::string, std::uint64_t> detectors;
  std::uint64_t warming_up = 0;
  std::map<std::string, std::uint64_t> deadletter_reasons;
  // Readings that carried an anomaly label.
  confusion_counts per_reading;
  // Keyed by (asset_id, timestamp); only readings with an asset id and a
  // label are counted.
  std::map<std::pair<std::string, epoch_ns>, row_outcome> rows;
};

// Reads the processed and dead-letter topics from the beginning, without a
// consumer group, and aggregates what it finds. Used by the demo to check
// the processor's output independently of the processor's own counters.
// Use from one thread.
class output_collector {
 public:
  static result<std::unique_ptr<output_collector>, std::string> create(
      const std::string& brokers, const topic_names& topics);
  ~output_collector();

  // Reads until results plus dead letters reach `expected` (which another
  // thread may raise while publishing; 0 means not known yet), `stop` is
  // set, or nothing new arrives for `idle_timeout`.
  void collect(const std::atomic<std::uint64_t>& expected,
               const std::atomic<bool>& publishing_done,
               std::chrono::milliseconds idle_timeout);

  const collected_outputs& outputs() const { return outputs_; }

  // Distinct outputs read so far; readable from any thread.
  std::uint64_t progress() const { return progress_.load(); }

 private:
  explicit output_collector(kafka_handle_ptr consumer, topic_names topics);
  void handle_processed(const rd_kafka_message_t* message);
  void handle_deadletter(const rd_kafka_message_t* message);

  kafka_handle_ptr consumer_;
  topic_names topics_;
  collected_outputs outputs_;
  std::atomic<std::uint64_t> progress_{0};
  std::set<std::pair<std::int32_t, std::int64_t>> seen_results_;
  std::set<std::pair<std::int32_t, std::int64_t>> seen_deadletters_;
};

}  // namespace ntscada
