#include "kafka_test_support.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace ntscada::testing {
namespace {

kafka_handle_ptr make_client(rd_kafka_type_t type,
                             const kafka_properties& properties) {
  auto conf = make_kafka_conf(properties);
  if (!conf) throw std::runtime_error(conf.error());
  char error[512];
  kafka_handle_ptr handle(
      rd_kafka_new(type, conf.value().get(), error, sizeof error));
  if (!handle) throw std::runtime_error(error);
  conf.value().release();
  return handle;
}

int partition_count(rd_kafka_t* handle, const std::string& topic) {
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_topic_t* topic_handle =
      rd_kafka_topic_new(handle, topic.c_str(), nullptr);
  int count = 0;
  if (rd_kafka_metadata(handle, 0, topic_handle, &metadata, 5000) ==
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (metadata->topic_cnt == 1) count = metadata->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(metadata);
  }
  rd_kafka_topic_destroy(topic_handle);
  return count;
}

}  // namespace

std::unique_ptr<mock_cluster> start_cluster(int partitions) {
  auto cluster = mock_cluster::start(1);
  if (!cluster) throw std::runtime_error(cluster.error());
  auto created = cluster.value()->create_topics(topic_names{}, partitions);
  if (!created) throw std::runtime_error(created.error());
  return std::move(cluster.value());
}

std::vector<consumed_record> read_topic(const std::string& brokers,
                                        const std::string& topic,
                                        std::size_t expected,
                                        std::chrono::milliseconds timeout,
                                        std::chrono::milliseconds settle) {
  kafka_handle_ptr consumer =
      make_client(RD_KAFKA_CONSUMER, {{"bootstrap.servers", brokers},
                                      {"group.id", "ntscada-test-reader"},
                                      {"enable.auto.commit", "false"},
                                      {"fetch.wait.max.ms", "1"}});
  int partitions = partition_count(consumer.get(), topic);
  partition_list_ptr assignment(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)
        ->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(consumer.get(), assignment.get());

  std::vector<consumed_record> records;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<std::chrono::steady_clock::time_point> settle_until;
  while (true) {
    auto now = std::chrono::steady_clock::now();
    if (settle_until ? now >= *settle_until : now >= deadline) break;
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer.get(), 50);
    if (message == nullptr) continue;
    if (!message->err) {
      consumed_record record;
      record.partition = message->partition;
      record.offset = message->offset;
      if (message->key) {
        record.key.assign(static_cast<const char*>(message->key),
                          message->key_len);
      }
      record.value.assign(static_cast<const char*>(message->payload),
                          message->len);
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(message, &headers) == 0) {
        const char* name = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        for (size_t i = 0;
             rd_kafka_header_get_all(headers, i, &name, &value, &size) == 0;
             ++i) {
          record.headers[name] =
              std::string(static_cast<const char*>(value), size);
        }
      }
      records.push_back(std::move(record));
      if (records.size() >= expected && !settle_until) {
        settle_until = std::chrono::steady_clock::now() + settle;
      }
    }
    rd_kafka_message_destroy(message);
  }
  rd_kafka_consumer_close(consumer.get());
  return records;
}

void produce_all(
    const std::string& brokers, const std::string& topic,
    const std::vector<std::pair<std::string, std::string>>& records,
    std::int32_t partition) {
  kafka_handle_ptr producer =
      make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", brokers},
                                      {"enable.idempotence", "true"},
                                      {"partitioner", "murmur2_random"},
                                      {"linger.ms", "1"}});
  for (const auto& [key, value] : records) {
    while (true) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
          RD_KAFKA_V_PARTITION(partition < 0 ? RD_KAFKA_PARTITION_UA
                                             : partition),
          RD_KAFKA_V_KEY(key.data(), key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(producer.get(), 10);
        continue;
      }
      if (err) throw std::runtime_error(rd_kafka_err2str(err));
      break;
    }
  }
  if (rd_kafka_flush(producer.get(), 30'000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("test producer did not flush within 30 s");
  }
}

std::int64_t committed_offset(const std::string& brokers,
                              const std::string& group,
                              const std::string& topic,
                              std::int32_t partition) {
  kafka_handle_ptr consumer = make_client(
      RD_KAFKA_CONSUMER, {{"bootstrap.servers", brokers}, {"group.id", group}});
  partition_list_ptr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition);
  std::int64_t offset = -1;
  if (rd_kafka_committed(consumer.get(), list.get(), 10'000) ==
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    offset = list->elems[0].offset;
  }
  rd_kafka_consumer_close(consumer.get());
  return offset < 0 ? -1 : offset;
}

stream_options test_stream_options(const std::string& brokers,
                                   const std::string& group) {
  stream_options options;
  options.brokers = brokers;
  options.group_id = group;
  // A short session timeout lets a restarted member rejoin quickly if the
  // embedded broker has not processed the previous member's leave.
  options.consumer_properties = {{"fetch.wait.max.ms", "1"},
                                 {"auto.commit.interval.ms", "200"},
                                 {"session.timeout.ms", "6000"}};
  options.poll_timeout = std::chrono::milliseconds(20);
  return options;
}

running_processor::running_processor(stream_options options,
                                     std::unique_ptr<scorer> scoring) {
  auto created =
      stream_processor::create(std::move(options), std::move(scoring));
  if (!created) throw std::runtime_error(created.error());
  processor_ = std::move(created.value());
  thread_ = std::thread([this] { exit_code_ = processor_->run(stop_); });
}

running_processor::~running_processor() {
  if (thread_.joinable()) stop();
}

int running_processor::stop() {
  stop_.store(true);
  thread_.join();
  return exit_code_;
}

std::string reading_json(const std::string& sensor_id,
                         const std::string& sensor_type, double value,
                         std::int64_t timestamp_ms) {
  return fmt::format(
      R"({{"sensor_id":"{}","sensor_type":"{}","value":{},"unit":"{}",)"
      R"("timestamp":{}}})",
      sensor_id, sensor_type, value,
      sensor_type == "temperature" ? "C"
      : sensor_type == "pressure"  ? "bar"
      : sensor_type == "voltage"   ? "V"
                                   : "%",
      timestamp_ms);
}

}  // namespace ntscada::testing
