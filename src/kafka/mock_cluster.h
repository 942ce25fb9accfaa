#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <vector>
// rdkafka_mock.h must follow rdkafka.h.
#include <librdkafka/rdkafka_mock.h>

#include "common/result.h"
#include "kafka/client_config.h"
#include "kafka/topics.h"

namespace ntscada {

// An embedded Kafka-protocol broker on loopback, backed by librdkafka's mock
// cluster. It keeps all data in memory, only about the last 5 MiB per
// partition, and is for development and tests, never for production.
// Owned by one thread; the cluster serves clients from its own threads
// until destroyed.
class mock_cluster {
 public:
  // Starts `broker_count` brokers on random loopback ports.
  static result<std::unique_ptr<mock_cluster>, std::string> start(
      int broker_count = 1);

  ~mock_cluster();
  mock_cluster(const mock_cluster&) = delete;
  mock_cluster& operator=(const mock_cluster&) = delete;

  // Comma-separated host:port list for bootstrap.servers.
  std::string bootstrap_servers() const;

  result<bool, std::string> create_topic(const std::string& topic,
                                         int partitions);

  // Creates the sensors, processed, anomalies and dead-letter topics.
  result<bool, std::string> create_topics(const topic_names& topics,
                                          int partitions);

  // Takes every broker down or up, to test client retries.
  void set_brokers_up(bool up);

  // Delays every response of every broker by `rtt_ms`, to make requests
  // time out in tests. 0 removes the delay.
  void set_round_trip_time(int rtt_ms);

 private:
  mock_cluster(kafka_handle_ptr handle, rd_kafka_mock_cluster_t* cluster,
               int broker_count);

  kafka_handle_ptr handle_;
  rd_kafka_mock_cluster_t* cluster_;
  int broker_count_;
};

}  // namespace ntscada
