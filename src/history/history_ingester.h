#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "history/history_store.h"
#include "kafka/client_config.h"
#include "kafka/client_statistics.h"
#include "kafka/topics.h"
#include "reading/reading_parser.h"

namespace ntscada {

struct ingest_options {
  std::string brokers;
  std::string group_id = "ntscada-ingest";
  std::string topic = topic_names{}.sensors;
  // Applied after the ingester's own settings, so they can override them.
  kafka_properties consumer_properties;
  reading_parser_options parser;
  // A batch is written when it contains this many valid readings, or when
  // `batch_interval` has passed since its first message.
  std::size_t batch_rows = 10'000;
  std::chrono::milliseconds batch_interval{1000};
  std::chrono::milliseconds poll_timeout{100};
  // Waits between attempts to write a batch that failed: doubling from
  // the initial wait up to the maximum.
  std::chrono::milliseconds retry_backoff{200};
  std::chrono::milliseconds max_retry_backoff{10'000};
  // After the stop flag is set, how long a failing batch is still retried
  // before the ingester gives up on it without committing its offsets.
  std::chrono::milliseconds shutdown_timeout{30'000};
};

// Counters of one ingester. Each may be read from any thread at any time.
struct ingest_stats {
  // Kafka messages received, valid or not.
  std::atomic<std::uint64_t> consumed{0};
  // Readings in batches whose transaction committed.
  std::atomic<std::uint64_t> stored{0};
  // Messages that failed validation and were not stored.
  std::atomic<std::uint64_t> invalid{0};
  // Batches whose append committed.
  std::atomic<std::uint64_t> batches{0};
  // Failed attempts to write a batch.
  std::atomic<std::uint64_t> store_failures{0};
  // Failed offset commits after a stored batch.
  std::atomic<std::uint64_t> commit_failures{0};
  // Consumer errors other than end of partition.
  std::atomic<std::uint64_t> consumer_errors{0};
  // True from a failed append until the next successful one.
  std::atomic<bool> store_failing{false};
  // The consumer's latest librdkafka statistics: broker connections and
  // lag per partition.
  client_statistics consumer_statistics;
};

// Exit codes of history_ingester::run.
inline constexpr int kIngestExitClean = 0;
inline constexpr int kIngestExitFatal = 1;
// A batch could not be stored before the shutdown timeout. Its offsets
// are not committed, so its messages are consumed again on the next run.
inline constexpr int kIngestExitUnstored = 75;

// Copies readings from Kafka into a history_sink, at least once: a batch
// of messages is appended in one transaction, and only after the append
// succeeded are the batch's offsets (last offset + 1 per partition)
// committed synchronously. A batch whose append fails is not committed and
// is appended again after a back-off, with the consumer's partitions paused
// meanwhile. Invalid messages are counted, logged and committed with their
// batch but never stored.
//
// A reading can be stored twice when the offset commit fails after its
// append committed, or when the process dies between the two.
//
// Lifecycle: create, then run once on one thread; run returns after `stop`
// becomes true and the ingester has written and committed what it
// consumed. stats() may be read from any thread. The sink is used only
// from the thread that calls run and must outlive the ingester.
class history_ingester {
 public:
  static result<std::unique_ptr<history_ingester>, std::string> create(
      ingest_options options, history_sink& sink);
  ~history_ingester();
  history_ingester(const history_ingester&) = delete;
  history_ingester& operator=(const history_ingester&) = delete;

  // Runs until `stop` is set or a fatal consumer error occurs. Returns
  // kIngestExitClean after the last batch was stored and committed,
  // kIngestExitUnstored when it could not be stored within the shutdown
  // timeout, or kIngestExitFatal on a fatal consumer error.
  int run(const std::atomic<bool>& stop);

  const ingest_stats& stats() const { return stats_; }

 private:
  // Offsets of one partition's messages in the current batch.
  struct offset_range {
    std::int64_t first = 0;
    std::int64_t next = 0;  // last offset + 1, the position to commit
  };
  using partition_key = std::pair<std::string, std::int32_t>;

  history_ingester(ingest_options options, history_sink& sink);
  result<bool, std::string> connect();

  void handle_message(const rd_kafka_message_t* message);
  bool batch_due() const;
  // Appends the batch until it succeeds and then commits its offsets.
  // Returns false when the batch was given up: at the shutdown deadline or
  // because its partitions were revoked.
  bool flush(const std::atomic<bool>& stop);
  bool append_with_retry(const std::atomic<bool>& stop);
  void commit();
  void discard_batch(const char* reason);
  void set_paused(bool paused);
  void on_rebalance(rd_kafka_resp_err_t event,
                    rd_kafka_topic_partition_list_t* partitions);
  void handle_consumer_error(const rd_kafka_message_t* message);

  static void rebalance_callback(rd_kafka_t* handle, rd_kafka_resp_err_t event,
                                 rd_kafka_topic_partition_list_t* partitions,
                                 void* opaque);
  static int statistics_callback(rd_kafka_t* handle, char* json, size_t size,
                                 void* opaque);

  ingest_options options_;
  history_sink& sink_;
  reading_parser parser_;
  kafka_handle_ptr consumer_;
  ingest_stats stats_;

  std::vector<reading> batch_;
  // Partitions with messages consumed since the last commit.
  std::map<partition_key, offset_range> offsets_;
  std::chrono::steady_clock::time_point batch_started_;
  // True while a failing batch is retried; a revocation then discards the
  // batch instead of trying to write it.
  bool retrying_ = false;
  bool batch_discarded_ = false;
  bool paused_ = false;
  bool fatal_ = false;
  // Set when a batch was given up at the shutdown deadline.
  bool unstored_ = false;
  // Set when the stop flag is first seen while a batch is failing.
  std::optional<std::chrono::steady_clock::time_point> shutdown_deadline_;
};

}  // namespace ntscada
