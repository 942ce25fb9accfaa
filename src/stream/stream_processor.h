#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "kafka/client_config.h"
#include "kafka/topics.h"
#include "reading/reading_parser.h"
#include "scoring/scorer.h"
#include "stream/offset_tracker.h"
#include "stream/stream_stats.h"

namespace ntscada {

struct stream_options {
  std::string brokers;
  std::string group_id = "ntscada-stream";
  topic_names topics;
  // Applied after the processor's own settings, so they can override them.
  kafka_properties consumer_properties;
  kafka_properties producer_properties;
  reading_parser_options parser;
  // Messages scored together in one call to the scorer.
  std::size_t max_batch = 1000;
  std::chrono::milliseconds poll_timeout{100};
  // Consumption pauses while this many outputs await acknowledgement.
  std::int64_t max_outstanding = 100'000;
  // How long shutdown and partition revocation wait for acknowledgements.
  std::chrono::milliseconds drain_timeout{30'000};
};

// Exit codes of stream_processor::run.
inline constexpr int kExitClean = 0;
inline constexpr int kExitFatal = 1;
inline constexpr int kExitUnacknowledged = 75;

// Consumes readings, scores them and publishes every result, with
// at-least-once delivery: an input offset is stored for commit only after
// every record it produced was acknowledged by the broker. Valid readings go
// to the processed topic (and anomalies also to the anomalies topic);
// invalid messages go to the dead-letter topic with their original bytes.
//
// Lifecycle: create, then run once on one thread; run returns after `stop`
// becomes true and the processor has drained, committed and left its group.
// stats() may be read from any thread at any time.
class stream_processor {
 public:
  static result<std::unique_ptr<stream_processor>, std::string> create(
      stream_options options, std::unique_ptr<scorer> scoring);
  ~stream_processor();

  // Runs until `stop` is set or a fatal client error occurs. Returns
  // kExitClean after a full drain and commit, kExitUnacknowledged when
  // outputs were still unacknowledged at the drain timeout (their inputs
  // will be consumed again), kExitFatal on a fatal client error.
  int run(const std::atomic<bool>& stop);

  const stream_stats& stats() const { return stats_; }

 private:
  struct delivery_context;
  struct failed_delivery;
  struct batch_item;

  stream_processor(stream_options options, std::unique_ptr<scorer> scoring);
  result<bool, std::string> connect();

  void poll_batch();
  void process_batch();
  void produce_outputs(const batch_item& item, const reading* r, const score* s,
                       epoch_ns now);
  void produce(const std::string& topic, std::string_view key,
               std::string_view value, rd_kafka_headers_t* headers,
               delivery_context* context);
  void on_delivery(const rd_kafka_message_t* message);
  void observe_latency(const delivery_context& context);
  void give_up_output(delivery_context* context, const std::string& topic,
                      rd_kafka_resp_err_t error);
  void retry_failed_deliveries();
  void wait_for_capacity(const std::atomic<bool>& stop);
  void log_progress() const;
  bool drain(std::chrono::milliseconds timeout);
  // Stores the commit position of every tracked partition when an
  // acknowledgement advanced one since the last call. Batching the stores
  // keeps the per-record cost of delivery reports low.
  void store_offsets();
  void on_rebalance(rd_kafka_resp_err_t event,
                    rd_kafka_topic_partition_list_t* partitions);
  void handle_consumer_error(const rd_kafka_message_t* message);

  static void delivery_callback(rd_kafka_t*, const rd_kafka_message_t* message,
                                void* opaque);
  static void rebalance_callback(rd_kafka_t* handle, rd_kafka_resp_err_t event,
                                 rd_kafka_topic_partition_list_t* partitions,
                                 void* opaque);
  static int statistics_callback(rd_kafka_t* handle, char* json, size_t size,
                                 void* opaque);

  stream_options options_;
  std::unique_ptr<scorer> scorer_;
  reading_parser parser_;
  kafka_handle_ptr producer_;
  kafka_handle_ptr consumer_;
  offset_tracker tracker_;
  stream_stats stats_;

  std::vector<rd_kafka_message_t*> batch_;
  std::vector<batch_item> items_;
  std::vector<reading> readings_;
  std::vector<score> scores_;
  std::string buffer_;
  std::vector<failed_delivery> failed_;
  std::map<topic_partition, std::uint64_t> assigned_generation_;
  std::uint64_t generation_ = 0;
  // The detector last exported through stats_.set_model.
  std::string detector_in_stats_;
  bool offsets_dirty_ = false;
  bool fatal_ = false;
};

}  // namespace ntscada
