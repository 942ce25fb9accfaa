#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace ntscada {

// librdkafka properties in the order they are applied; later entries win.
using kafka_properties = std::vector<std::pair<std::string, std::string>>;

struct kafka_conf_deleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using kafka_conf_ptr = std::unique_ptr<rd_kafka_conf_t, kafka_conf_deleter>;

struct kafka_handle_deleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using kafka_handle_ptr = std::unique_ptr<rd_kafka_t, kafka_handle_deleter>;

struct partition_list_deleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using partition_list_ptr =
    std::unique_ptr<rd_kafka_topic_partition_list_t, partition_list_deleter>;

// Builds a librdkafka configuration from `properties` and routes the
// library's log lines and errors to the "kafka" logger, rate-limited. The
// error names the property, its value and librdkafka's reason. Values of
// properties whose name contains "password", "secret" or "token" are never
// included in messages.
result<kafka_conf_ptr, std::string> make_kafka_conf(
    const kafka_properties& properties);

// Returns true for a property whose value must not appear in logs.
bool is_secret_property(const std::string& name);

}  // namespace ntscada
