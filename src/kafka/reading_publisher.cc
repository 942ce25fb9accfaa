#include "kafka/reading_publisher.h"

#include <fmt/format.h>

#include "common/logging.h"

namespace ntscada {

result<std::unique_ptr<reading_publisher>, std::string>
reading_publisher::create(const std::string& brokers, std::string topic,
                          const kafka_properties& overrides) {
  kafka_properties properties{
      {"bootstrap.servers", brokers},
      {"client.id", "ntscada-publisher"},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "5"},
      {"partitioner", "murmur2_random"},
  };
  properties.insert(properties.end(), overrides.begin(), overrides.end());
  auto conf = make_kafka_conf(properties);
  if (!conf) return failure{conf.error()};
  rd_kafka_conf_set_dr_msg_cb(conf.value().get(), delivery_callback);
  char error[512];
  kafka_handle_ptr handle(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf.value().get(), error, sizeof error));
  if (!handle) {
    return failure{fmt::format("cannot create producer: {}", error)};
  }
  conf.value().release();
  return std::unique_ptr<reading_publisher>(
      new reading_publisher(std::move(handle), std::move(topic)));
}

reading_publisher::reading_publisher(kafka_handle_ptr handle, std::string topic)
    : handle_(std::move(handle)), topic_(std::move(topic)) {}

reading_publisher::~reading_publisher() { flush(10'000); }

void reading_publisher::delivery_callback(rd_kafka_t*,
                                          const rd_kafka_message_t* message,
                                          void*) {
  auto* self = static_cast<reading_publisher*>(message->_private);
  if (message->err) {
    ++self->failed_;
    static log_rate_limiter limiter;
    std::uint64_t suppressed = 0;
    if (limiter.allow(suppressed)) {
      module_logger("kafka")->warn(
          "publish failed topic={} error={} ({} similar suppressed)",
          self->topic_, rd_kafka_err2str(message->err), suppressed);
    }
  } else {
    ++self->acknowledged_;
  }
}

bool reading_publisher::publish(std::string_view key, std::string_view value) {
  while (true) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        handle_.get(), RD_KAFKA_V_TOPIC(topic_.c_str()),
        RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(this),
        RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_poll(handle_.get(), 0);
      return true;
    }
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      module_logger("kafka")->error("publish to {} failed: {}", topic_,
                                    rd_kafka_err2str(err));
      return false;
    }
    rd_kafka_poll(handle_.get(), 100);
  }
}

bool reading_publisher::flush(int timeout_ms) {
  return rd_kafka_flush(handle_.get(), timeout_ms) ==
         RD_KAFKA_RESP_ERR_NO_ERROR;
}

}  // namespace ntscada
