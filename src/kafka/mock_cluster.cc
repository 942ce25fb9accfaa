#include "kafka/mock_cluster.h"

#include <fmt/format.h>

namespace ntscada {

result<std::unique_ptr<mock_cluster>, std::string> mock_cluster::start(
    int broker_count) {
  // The handle only hosts the cluster and never connects, so its warning
  // about the missing bootstrap.servers is silenced (log level 3: errors).
  auto conf = make_kafka_conf(
      {{"client.id", "ntscada-embedded-broker"}, {"log_level", "3"}});
  if (!conf) return failure{conf.error()};
  char error[512];
  kafka_handle_ptr handle(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf.value().get(), error, sizeof error));
  if (!handle) {
    return failure{fmt::format("cannot create broker client: {}", error)};
  }
  conf.value().release();  // owned by the handle now
  rd_kafka_mock_cluster_t* cluster =
      rd_kafka_mock_cluster_new(handle.get(), broker_count);
  if (cluster == nullptr) {
    return failure{std::string("cannot start the embedded broker")};
  }
  return std::unique_ptr<mock_cluster>(
      new mock_cluster(std::move(handle), cluster, broker_count));
}

mock_cluster::mock_cluster(kafka_handle_ptr handle,
                           rd_kafka_mock_cluster_t* cluster, int broker_count)
    : handle_(std::move(handle)),
      cluster_(cluster),
      broker_count_(broker_count) {}

mock_cluster::~mock_cluster() { rd_kafka_mock_cluster_destroy(cluster_); }

std::string mock_cluster::bootstrap_servers() const {
  return rd_kafka_mock_cluster_bootstraps(cluster_);
}

result<bool, std::string> mock_cluster::create_topic(const std::string& topic,
                                                     int partitions) {
  rd_kafka_resp_err_t error = rd_kafka_mock_topic_create(
      cluster_, topic.c_str(), partitions, std::min(broker_count_, 3));
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return failure{fmt::format("cannot create topic {} with {} partitions: {}",
                               topic, partitions, rd_kafka_err2str(error))};
  }
  return true;
}

result<bool, std::string> mock_cluster::create_topics(const topic_names& topics,
                                                      int partitions) {
  for (const std::string& topic : {topics.sensors, topics.processed,
                                   topics.anomalies, topics.deadletter}) {
    auto created = create_topic(topic, partitions);
    if (!created) return created;
  }
  return true;
}

void mock_cluster::set_brokers_up(bool up) {
  for (int id = 1; id <= broker_count_; ++id) {
    if (up) {
      rd_kafka_mock_broker_set_up(cluster_, id);
    } else {
      rd_kafka_mock_broker_set_down(cluster_, id);
    }
  }
}

void mock_cluster::set_round_trip_time(int rtt_ms) {
  for (int id = 1; id <= broker_count_; ++id) {
    rd_kafka_mock_broker_set_rtt(cluster_, id, rtt_ms);
  }
}

}  // namespace ntscada
