#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/result.h"
#include "history/history_store.h"
#include "history/ingest_target.h"
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
  // Settings of the dead-letter producer, applied the same way.
  kafka_properties producer_properties;
  // Used by create(options, history_sink&) to parse readings.
  reading_parser_options parser;
  // Messages that cannot be stored go to this topic with their reason in
  // headers, and their offsets are committed. Empty: such messages are
  // only counted and logged, and a batch that the target rejects stops the
  // ingester.
  std::string deadletter_topic;
  // A batch is written when it contains this many valid readings, or when
  // `batch_interval` has passed since its first message.
  std::size_t batch_rows = 10'000;
  std::chrono::milliseconds batch_interval{1000};
  std::chrono::milliseconds poll_timeout{100};
  // Waits between attempts to write a batch that failed: before attempt
  // n + 1 a wait drawn uniformly from [d/2, d], where
  // d = min(max_retry_backoff, retry_backoff * 2^(n-1)). A longer wait that
  // the store requests (HTTP Retry-After) is honoured up to
  // max_retry_after.
  std::chrono::milliseconds retry_backoff{200};
  std::chrono::milliseconds max_retry_backoff{10'000};
  std::chrono::milliseconds max_retry_after{300'000};
  // How long one attempt to deliver dead letters waits for the broker's
  // acknowledgements (the producer's message.timeout.ms).
  std::chrono::milliseconds deadletter_timeout{30'000};
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
  // Messages that failed validation or could not be represented in the
  // store, and were not stored.
  std::atomic<std::uint64_t> invalid{0};
  // Dead letters acknowledged by the broker.
  std::atomic<std::uint64_t> deadlettered{0};
  // Batches the store rejected as a whole (sent to the dead-letter topic).
  std::atomic<std::uint64_t> rejected_batches{0};
  // Failed attempts to deliver dead letters.
  std::atomic<std::uint64_t> deadletter_failures{0};
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

// Copies messages from Kafka into an ingest_target (a history_sink such as
// the SQLite store, or InfluxDB), at least once. A batch of messages is
// written first. Its offsets (last offset + 1 per partition) are committed
// synchronously only after the write succeeded and the broker acknowledged
// the batch's dead letters. A batch whose write fails transiently is not
// committed and is written again after a back-off with jitter, with the
// consumer's partitions paused meanwhile, so nothing more is consumed
// than the messages already fetched. Messages that cannot be stored are
// counted, logged, dead-lettered when a dead-letter topic is set, and
// committed with their batch. A batch that the target rejects as a whole
// is dead-lettered, or stops the ingester without a dead-letter topic.
//
// A record can be stored twice when the offset commit fails after its
// write succeeded, or when the process dies between the two.
//
// Lifecycle: create, then run once on one thread; run returns after `stop`
// becomes true and the ingester has written and committed what it
// consumed. stats() may be read from any thread. The sink or target is
// used only from the thread that calls run and must outlive the ingester.
class history_ingester {
 public:
  // Parses messages as readings with options.parser and appends them to
  // `sink`.
  static result<std::unique_ptr<history_ingester>, std::string> create(
      ingest_options options, history_sink& sink);
  static result<std::unique_ptr<history_ingester>, std::string> create(
      ingest_options options, ingest_target& target);
  ~history_ingester();
  history_ingester(const history_ingester&) = delete;
  history_ingester& operator=(const history_ingester&) = delete;

  // Runs until `stop` is set or a fatal error occurs. Returns
  // kIngestExitClean after the last batch was stored and committed,
  // kIngestExitUnstored when it could not be stored within the shutdown
  // timeout, or kIngestExitFatal on a fatal consumer error, a write error
  // with action::stop, or a rejected batch without a dead-letter topic.
  int run(const std::atomic<bool>& stop);

  const ingest_stats& stats() const { return stats_; }

 private:
  // Offsets of one partition's messages in the current batch.
  struct offset_range {
    std::int64_t first = 0;
    std::int64_t next = 0;  // last offset + 1, the position to commit
  };
  using partition_key = std::pair<std::string, std::int32_t>;

  // A consumed message consumed for the dead-letter topic.
  struct consumed_message {
    std::string key;
    std::string payload;
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
  };
  // A message on its way to the dead-letter topic.
  struct dead_letter {
    consumed_message message;
    std::string reason;
    std::string detail;
    enum class state { pending, in_flight, delivered } status = state::pending;
  };
  // The result of one attempt at a step that is retried.
  struct attempt {
    enum class outcome { done, retry, give_up } result = outcome::done;
    std::string message;
    std::optional<std::chrono::milliseconds> retry_after;
  };

  history_ingester(ingest_options options, ingest_target& target);
  result<bool, std::string> connect();
  result<bool, std::string> connect_producer();

  void handle_message(const rd_kafka_message_t* message);
  bool batch_due() const;
  // Writes the batch and delivers its dead letters until both succeed, and
  // then commits its offsets. Returns false when the batch was given up: at
  // the shutdown deadline, because its partitions were revoked, or on a
  // fatal error.
  bool flush(const std::atomic<bool>& stop);
  // One write of the pending batch, with its accounting.
  attempt write_batch();
  // One delivery of the pending dead letters, waiting for every
  // acknowledgement.
  attempt deliver_deadletters();
  // Repeats `step` until it is done, with back-off and the partitions
  // paused. Returns false when it gave up.
  bool retry_until_done(const std::atomic<bool>& stop, std::string_view what,
                        const std::string& destination,
                        const std::function<attempt()>& step);
  std::chrono::milliseconds retry_delay(
      int attempt_number, std::optional<std::chrono::milliseconds> asked);
  void commit();
  void discard_batch(const char* reason);
  void set_paused(bool paused);
  void on_rebalance(rd_kafka_resp_err_t event,
                    rd_kafka_topic_partition_list_t* partitions);
  void handle_consumer_error(const rd_kafka_message_t* message);

  static void rebalance_callback(rd_kafka_t* handle, rd_kafka_resp_err_t event,
                                 rd_kafka_topic_partition_list_t* partitions,
                                 void* opaque);
  static void delivery_callback(rd_kafka_t* handle,
                                const rd_kafka_message_t* message,
                                void* opaque);
  static int statistics_callback(rd_kafka_t* handle, char* json, size_t size,
                                 void* opaque);

  ingest_options options_;
  // Set when the ingester created its own target around a history_sink.
  std::unique_ptr<ingest_target> owned_target_;
  ingest_target& target_;
  kafka_handle_ptr consumer_;
  kafka_handle_ptr producer_;
  ingest_stats stats_;
  std::mt19937_64 random_{std::random_device{}()};

  // The messages of the pending batch, consumed only with a dead-letter topic.
  std::vector<consumed_message> batch_messages_;
  // A deque, because delivery reports point at its elements.
  std::deque<dead_letter> deadletters_;
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
