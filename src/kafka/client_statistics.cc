#include "kafka/client_statistics.h"

#include <simdjson.h>

#include <algorithm>
#include <tuple>

namespace ntscada {
namespace {

std::int64_t int_member(simdjson::dom::object object, std::string_view key,
                        std::int64_t missing) {
  std::int64_t value = 0;
  if (object[key].get_int64().get(value) != simdjson::SUCCESS) return missing;
  return value;
}

std::string_view string_member(simdjson::dom::object object,
                               std::string_view key) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) return {};
  return value;
}

// A partition is being consumed in every fetch state except these.
bool is_fetching(std::string_view fetch_state) {
  return !fetch_state.empty() && fetch_state != "none" &&
         fetch_state != "stopping" && fetch_state != "stopped";
}

}  // namespace

result<bool, std::string> client_statistics::update(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (auto error = parser.parse(json.data(), json.size()).get(root)) {
    return failure{
        std::string("librdkafka statistics are not a JSON object: ") +
        simdjson::error_message(error)};
  }

  int up = 0;
  int known = 0;
  simdjson::dom::object brokers;
  if (root["brokers"].get_object().get(brokers) == simdjson::SUCCESS) {
    for (auto [name, value] : brokers) {
      simdjson::dom::object broker;
      if (value.get_object().get(broker) != simdjson::SUCCESS) continue;
      // Bootstrap entries have node id -1. The internal and logical
      // entries, such as the group coordinator, are no connections of
      // their own.
      std::string_view source = string_member(broker, "source");
      if (int_member(broker, "nodeid", -1) < 0 || source == "internal" ||
          source == "logical") {
        continue;
      }
      ++known;
      if (string_member(broker, "state") == "UP") ++up;
    }
  }

  std::vector<partition_lag> lags;
  simdjson::dom::object topics;
  if (root["topics"].get_object().get(topics) == simdjson::SUCCESS) {
    for (auto [topic_name, topic_value] : topics) {
      simdjson::dom::object partitions;
      if (topic_value["partitions"].get_object().get(partitions) !=
          simdjson::SUCCESS) {
        continue;
      }
      for (auto [key, partition_value] : partitions) {
        simdjson::dom::object partition;
        if (partition_value.get_object().get(partition) != simdjson::SUCCESS) {
          continue;
        }
        std::int64_t id = int_member(partition, "partition", -1);
        if (id < 0 || !is_fetching(string_member(partition, "fetch_state"))) {
          continue;
        }
        // consumer_lag_stored (librdkafka 1.9 and later) counts from the
        // stored offset, which the stream processor advances only after
        // acknowledgement; consumer_lag counts from the last commit.
        std::int64_t lag = int_member(partition, "consumer_lag_stored", -1);
        if (lag < 0) lag = int_member(partition, "consumer_lag", -1);
        if (lag < 0) {
          // Nothing stored or committed yet, so consumption starts at the
          // low watermark (auto.offset.reset=earliest, the default of both
          // consumers) and everything up to the high watermark is lag.
          std::int64_t low = int_member(partition, "lo_offset", -1);
          std::int64_t high = int_member(partition, "hi_offset", -1);
          if (low >= 0 && high >= low) lag = high - low;
        }
        if (lag < 0) continue;
        lags.push_back(
            {std::string(topic_name), static_cast<std::int32_t>(id), lag});
      }
    }
  }
  std::sort(lags.begin(), lags.end(), [](const auto& a, const auto& b) {
    return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
  });

  std::lock_guard lock(mutex_);
  received_ = true;
  brokers_up_ = up;
  brokers_known_ = known;
  lags_ = std::move(lags);
  last_update_ = std::chrono::steady_clock::now();
  return true;
}

bool client_statistics::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

int client_statistics::brokers_up() const {
  std::lock_guard lock(mutex_);
  return brokers_up_;
}

int client_statistics::brokers_known() const {
  std::lock_guard lock(mutex_);
  return brokers_known_;
}

std::vector<partition_lag> client_statistics::partition_lags() const {
  std::lock_guard lock(mutex_);
  return lags_;
}

std::optional<std::chrono::steady_clock::time_point>
client_statistics::last_update() const {
  std::lock_guard lock(mutex_);
  if (!received_) return std::nullopt;
  return last_update_;
}

}  // namespace ntscada
