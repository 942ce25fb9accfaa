#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace ntscada {

// The source of a setting's value, in increasing precedence.
enum class setting_source { default_value, file, environment, flag };

std::string_view to_string(setting_source source);

// One value read from a file or the environment, as text.
struct sourced_value {
  std::string text;
  setting_source source = setting_source::default_value;
  // Says exactly where, e.g. "/etc/ntscada/ntscada.toml line 4" or
  // "NTSCADA_KAFKA_BROKERS".
  std::string origin;
};

// Settings by key ("section.name"), plus librdkafka properties passed
// through unchanged.
struct setting_values {
  std::map<std::string, sourced_value> settings;
  // librdkafka property name to value, e.g. "security.protocol".
  std::map<std::string, sourced_value> kafka_properties;
};

// The environment variable of a setting key: "kafka.brokers" is
// NTSCADA_KAFKA_BROKERS.
std::string environment_name(std::string_view key);

// Reads a TOML configuration file: each table is a section and each scalar
// in it a setting ("[stream] max_batch = 500" is stream.max_batch); the
// table [kafka.properties] contains librdkafka properties. Values may be
// strings, integers, floats or booleans and are kept as text, so every
// source is validated the same way. Errors name the file, the line and
// the key.
result<setting_values, std::string> read_config_file(const std::string& path);

// Reads every NTSCADA_SECTION_NAME variable of `environment` (a
// null-terminated array such as `environ`) as setting section.name; the
// first '_' after the prefix separates section and name. Each
// NTSCADA_KAFKA_PROPERTY_NAME becomes librdkafka property "name", with '_'
// read as '.' because no librdkafka property name contains '_'. Variables named
// in `ignored` are left out.
setting_values read_environment(char** environment,
                                const std::vector<std::string>& ignored = {});

}  // namespace ntscada
