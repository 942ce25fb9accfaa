#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "kafka/client_config.h"
#include "kafka/topics.h"
#include "rules/envelope_table.h"

namespace ntscada {

// Exit status for invalid arguments or configuration, distinct from
// runtime failures.
inline constexpr int kExitUsage = 2;

// Refuses NaN and infinities, which pass CLI::Range because every
// comparison with NaN is false. Add it to every floating-point option.
const CLI::Validator& finite_number();

// Refuses an empty value, for settings that must name something.
const CLI::Validator& not_empty();

// Bootstrap servers when no configuration names them.
inline constexpr const char* kDefaultBrokers = "127.0.0.1:9092";

// The flags of add_topic_options with their configuration keys.
std::vector<std::pair<std::string, std::string>> topic_setting_keys();

// Parses "name=value" items. The error names the option and the item.
result<kafka_properties, std::string> parse_properties(
    const std::vector<std::string>& items, const std::string& option);

// Loads an envelope file, or returns the built-in table for an empty path.
result<envelope_table, std::string> load_envelopes(const std::string& path);

// Adds --sensors-topic, --processed-topic, --anomalies-topic and
// --deadletter-topic.
void add_topic_options(CLI::App& command, topic_names& topics);

}  // namespace ntscada
