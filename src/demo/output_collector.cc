#include "demo/output_collector.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "common/logging.h"
#include "reading/timestamp.h"

namespace ntscada {
namespace {

int partition_count(rd_kafka_t* handle, const std::string& topic) {
  rd_kafka_topic_t* topic_handle =
      rd_kafka_topic_new(handle, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  int count = 0;
  if (rd_kafka_metadata(handle, 0, topic_handle, &metadata, 10'000) ==
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (metadata->topic_cnt == 1) count = metadata->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(metadata);
  }
  rd_kafka_topic_destroy(topic_handle);
  return count;
}

}  // namespace

result<std::unique_ptr<output_collector>, std::string> output_collector::create(
    const std::string& brokers, const topic_names& topics) {
  auto conf = make_kafka_conf({{"bootstrap.servers", brokers},
                               {"client.id", "ntscada-demo-collector"},
                               {"group.id", "ntscada-demo-collector"},
                               {"enable.auto.commit", "false"},
                               {"fetch.wait.max.ms", "1"}});
  if (!conf) return failure{conf.error()};
  char error[512];
  kafka_handle_ptr consumer(
      rd_kafka_new(RD_KAFKA_CONSUMER, conf.value().get(), error, sizeof error));
  if (!consumer) {
    return failure{fmt::format("cannot create collector: {}", error)};
  }
  conf.value().release();

  partition_list_ptr assignment(rd_kafka_topic_partition_list_new(16));
  for (const std::string& topic : {topics.processed, topics.deadletter}) {
    int partitions = partition_count(consumer.get(), topic);
    if (partitions == 0) {
      return failure{fmt::format("topic {} not found", topic)};
    }
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)
          ->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  rd_kafka_assign(consumer.get(), assignment.get());
  return std::unique_ptr<output_collector>(
      new output_collector(std::move(consumer), topics));
}

output_collector::output_collector(kafka_handle_ptr consumer,
                                   topic_names topics)
    : consumer_(std::move(consumer)), topics_(std::move(topics)) {}

output_collector::~output_collector() {
  rd_kafka_consumer_close(consumer_.get());
}

void output_collector::collect(const std::atomic<std::uint64_t>& expected,
                               const std::atomic<bool>& publishing_done,
                               std::chrono::milliseconds idle_timeout) {
  auto last_progress = std::chrono::steady_clock::now();
  while (true) {
    std::uint64_t done = outputs_.results + outputs_.deadletters;
    if (publishing_done.load() && done >= expected.load()) return;
    if (std::chrono::steady_clock::now() - last_progress > idle_timeout) {
      module_logger("demo")->warn(
          "collector saw nothing new for {} ms; {} of {} outputs arrived",
          idle_timeout.count(), done, expected.load());
      return;
    }
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_.get(), 50);
    if (message == nullptr) continue;
    if (!message->err) {
      last_progress = std::chrono::steady_clock::now();
      progress_ = outputs_.results + outputs_.deadletters;
      if (topics_.processed == rd_kafka_topic_name(message->rkt)) {
        handle_processed(message);
      } else {
        handle_deadletter(message);
      }
    }
    rd_kafka_message_destroy(message);
    progress_ = outputs_.results + outputs_.deadletters;
  }
}

void output_collector::handle_processed(const rd_kafka_message_t* message) {
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(static_cast<const char*>(message->payload), message->len)
          .get(doc)) {
    module_logger("demo")->error("unparsable result at offset {}",
                                 message->offset);
    return;
  }
  std::pair<std::int32_t, std::int64_t> source{
      static_cast<std::int32_t>(int64_t(doc["source"]["partition"])),
      int64_t(doc["source"]["offset"])};
  if (!seen_results_.insert(source).second) {
    ++outputs_.duplicates;
    return;
  }
  ++outputs_.results;
  bool predicted = bool(doc["anomaly_detected"]);
  if (predicted) ++outputs_.anomalies;
  ++outputs_.states[std::string(std::string_view(doc["operational_state"]))];
  ++outputs_.detectors[std::string(std::string_view(doc["detector"]))];
  bool warming_up = false;
  if (doc["warming_up"].get(warming_up) == simdjson::SUCCESS && warming_up) {
    ++outputs_.warming_up;
  }

  bool label = false;
  if (doc["anomaly_label"].get(label) != simdjson::SUCCESS) return;
  outputs_.per_reading.add(predicted, label);
  std::string_view asset_id;
  if (doc["asset_id"].get(asset_id) != simdjson::SUCCESS) return;
  auto timestamp = parse_rfc3339(std::string_view(doc["timestamp"]));
  if (!timestamp) return;
  double confidence = 0;
  if (doc["confidence"].get(confidence) != simdjson::SUCCESS) return;
  outputs_.rows[{std::string(asset_id), timestamp.value()}].add(
      predicted, label, confidence);
}

void output_collector::handle_deadletter(const rd_kafka_message_t* message) {
  rd_kafka_headers_t* headers = nullptr;
  std::string partition;
  std::string offset;
  std::string reason = "unknown";
  if (rd_kafka_message_headers(message, &headers) == 0) {
    auto header = [&](const char* name) {
      const void* value = nullptr;
      size_t size = 0;
      if (rd_kafka_header_get_last(headers, name, &value, &size))
        return std::string();
      return std::string(static_cast<const char*>(value), size);
    };
    partition = header("ntscada.source.partition");
    offset = header("ntscada.source.offset");
    reason = header("ntscada.reason");
  }
  std::pair<std::int32_t, std::int64_t> source{
      partition.empty() ? -1 : std::stoi(partition),
      offset.empty() ? -1 : std::stoll(offset)};
  if (!seen_deadletters_.insert(source).second) return;
  ++outputs_.deadletters;
  ++outputs_.deadletter_reasons[reason];
}

}  // namespace ntscada
