#include "cli/options.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace ntscada {

result<kafka_properties, std::string> parse_properties(
    const std::vector<std::string>& items, const std::string& option) {
  kafka_properties properties;
  for (const std::string& item : items) {
    auto equals = item.find('=');
    if (equals == std::string::npos || equals == 0) {
      std::string shown = is_secret_property(item) ? "(redacted)" : item;
      return failure{
          fmt::format("{} {} is invalid; expected name=value", option, shown)};
    }
    properties.emplace_back(item.substr(0, equals), item.substr(equals + 1));
  }
  return properties;
}

result<envelope_table, std::string> load_envelopes(const std::string& path) {
  if (path.empty()) return envelope_table{};
  return envelope_table::load(path);
}

const CLI::Validator& finite_number() {
  static const CLI::Validator validator(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        double value = std::strtod(text.c_str(), &end);
        if (end == text.c_str() || *end != '\0' || !std::isfinite(value)) {
          return fmt::format("{} is not a finite number", text);
        }
        return {};
      },
      "FINITE");
  return validator;
}

const CLI::Validator& not_empty() {
  static const CLI::Validator validator(
      [](std::string& text) -> std::string {
        return text.empty() ? "the value is empty" : "";
      },
      "NOT EMPTY");
  return validator;
}

std::vector<std::pair<std::string, std::string>> topic_setting_keys() {
  return {{"--sensors-topic", "kafka.sensors_topic"},
          {"--processed-topic", "kafka.processed_topic"},
          {"--anomalies-topic", "kafka.anomalies_topic"},
          {"--deadletter-topic", "kafka.deadletter_topic"}};
}

void add_topic_options(CLI::App& command, topic_names& topics) {
  command.add_option("--sensors-topic", topics.sensors, "Input topic");
  command.add_option("--processed-topic", topics.processed,
                     "Topic for every scored reading");
  command.add_option("--anomalies-topic", topics.anomalies,
                     "Topic for anomalous readings");
  command.add_option("--deadletter-topic", topics.deadletter,
                     "Topic for rejected messages");
}

}  // namespace ntscada
