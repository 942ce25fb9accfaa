#include "config/config_sources.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>

namespace ntscada {
namespace {

constexpr std::string_view kPrefix = "NTSCADA_";
constexpr std::string_view kPropertyPrefix = "NTSCADA_KAFKA_PROPERTY_";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return out;
}

// The text of a scalar TOML value, or an error naming what it is instead.
result<std::string, std::string> scalar_text(const toml::node& node) {
  if (auto text = node.value<std::string>()) return *text;
  if (node.is_boolean())
    return std::string(*node.value<bool>() ? "true" : "false");
  if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
  if (node.is_floating_point()) return fmt::format("{}", *node.value<double>());
  return failure{std::string(node.is_table()   ? "a table"
                             : node.is_array() ? "an array"
                                               : "not a scalar")};
}

std::string where(const std::string& path, const toml::node& node) {
  return fmt::format("{} line {}", path, node.source().begin.line);
}

}  // namespace

std::string_view to_string(setting_source source) {
  switch (source) {
    case setting_source::default_value:
      return "default";
    case setting_source::file:
      return "file";
    case setting_source::environment:
      return "environment";
    case setting_source::flag:
      return "flag";
  }
  return "unknown";
}

std::string environment_name(std::string_view key) {
  std::string out(kPrefix);
  for (char c : key) {
    out.push_back(c == '.' ? '_'
                           : static_cast<char>(
                                 std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

result<setting_values, std::string> read_config_file(const std::string& path) {
  toml::table document;
  try {
    document = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    return failure{fmt::format("configuration file {} line {}: {}", path,
                               error.source().begin.line, error.description())};
  }
  setting_values out;
  for (const auto& [section, node] : document) {
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      return failure{fmt::format(
          "configuration file {}: '{}' must be a table such as [{}], not a "
          "value",
          where(path, node), section.str(), section.str())};
    }
    for (const auto& [name, value] : *table) {
      std::string key = fmt::format("{}.{}", section.str(), name.str());
      if (key == "kafka.properties") {
        const toml::table* properties = value.as_table();
        if (properties == nullptr) {
          return failure{fmt::format(
              "configuration file {}: kafka.properties must be a table of "
              "librdkafka properties",
              where(path, value))};
        }
        for (const auto& [property, setting] : *properties) {
          auto text = scalar_text(setting);
          if (!text) {
            return failure{fmt::format(
                "configuration file {}: kafka.properties.{} is {}; expected "
                "a string, number or boolean",
                where(path, setting), property.str(), text.error())};
          }
          out.kafka_properties[std::string(property.str())] = {
              text.value(), setting_source::file, where(path, setting)};
        }
        continue;
      }
      auto text = scalar_text(value);
      if (!text) {
        return failure{fmt::format(
            "configuration file {}: {} is {}; expected a string, number or "
            "boolean",
            where(path, value), key, text.error())};
      }
      out.settings[key] = {text.value(), setting_source::file,
                           where(path, value)};
    }
  }
  return out;
}

setting_values read_environment(char** environment,
                                const std::vector<std::string>& ignored) {
  setting_values out;
  for (char** entry = environment; entry != nullptr && *entry != nullptr;
       ++entry) {
    std::string_view variable(*entry);
    auto equals = variable.find('=');
    if (equals == std::string_view::npos) continue;
    std::string_view name = variable.substr(0, equals);
    std::string_view value = variable.substr(equals + 1);
    if (!name.starts_with(kPrefix)) continue;
    if (std::find(ignored.begin(), ignored.end(), name) != ignored.end()) {
      continue;
    }
    if (name.starts_with(kPropertyPrefix)) {
      std::string property = lower(name.substr(kPropertyPrefix.size()));
      std::replace(property.begin(), property.end(), '_', '.');
      out.kafka_properties[property] = {
          std::string(value), setting_source::environment, std::string(name)};
      continue;
    }
    std::string rest = lower(name.substr(kPrefix.size()));
    auto underscore = rest.find('_');
    if (underscore == std::string::npos) continue;
    rest[underscore] = '.';
    out.settings[rest] = {std::string(value), setting_source::environment,
                          std::string(name)};
  }
  return out;
}

}  // namespace ntscada
