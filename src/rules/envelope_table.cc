#include "rules/envelope_table.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ntscada {
namespace {

constexpr std::string_view kLimitsHelp =
    "six finite numbers LoLo < Lo < optimal-low < optimal-high < Hi < HiHi";

std::string describe(const toml::node& node) {
  std::ostringstream out;
  if (const auto* table = node.as_table()) {
    out << *table;
  } else if (const auto* array = node.as_array()) {
    out << *array;
  } else {
    node.visit([&](const auto& value) { out << value; });
  }
  return out.str();
}

// FNV-1a, enough to tell two versions of a rule file apart in the
// `detector` field; not a security hash.
std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

result<envelope_rule, std::string> read_rule(const toml::node& node,
                                             const envelope_rule& inherited,
                                             const std::string& key,
                                             std::string_view source) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return failure{
        fmt::format("{}: {} = {} is invalid; expected a table with "
                    "'limits' and/or 'anomaly_band'",
                    source, key, describe(node))};
  }
  envelope_rule rule = inherited;
  for (const auto& [member_key, member] : *table) {
    std::string path = fmt::format("{}.{}", key, member_key.str());
    if (member_key == "limits") {
      const toml::array* array = member.as_array();
      std::vector<double> numbers;
      if (array != nullptr) {
        for (const auto& element : *array) {
          if (auto number = element.value<double>()) numbers.push_back(*number);
        }
      }
      if (array == nullptr || numbers.size() != 6 || array->size() != 6) {
        return failure{fmt::format("{}: {} = {} is invalid; expected {}",
                                   source, path, describe(member),
                                   kLimitsHelp)};
      }
      rule.limits = envelope{numbers[0], numbers[1], numbers[2],
                             numbers[3], numbers[4], numbers[5]};
      if (std::string problem = rule.limits.validate(); !problem.empty()) {
        return failure{
            fmt::format("{}: {} = {} is invalid because {}; "
                        "expected {}",
                        source, path, describe(member), problem, kLimitsHelp)};
      }
    } else if (member_key == "anomaly_band") {
      auto text = member.value<std::string>();
      auto band = text ? parse_anomaly_band(*text) : std::nullopt;
      if (!band) {
        return failure{
            fmt::format("{}: {} = {} is invalid; expected one of "
                        "\"lo_hi\", \"lolo_hihi\", \"optimal\"",
                        source, path, describe(member))};
      }
      rule.band = *band;
    } else {
      return failure{
          fmt::format("{}: unknown key {}; allowed keys are "
                      "'limits' and 'anomaly_band'",
                      source, path)};
    }
  }
  return rule;
}

}  // namespace

envelope_table::envelope_table() = default;

result<envelope_table, std::string> envelope_table::load(
    const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return failure{
        fmt::format("cannot open envelope file {}: {}", path.string(),
                    error                           ? error.message()
                    : std::filesystem::exists(path) ? "not a regular file"
                                                    : "no such file")};
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return failure{fmt::format("cannot open envelope file {}: {}",
                               path.string(), std::strerror(errno))};
  }
  std::stringstream contents;
  contents << file.rdbuf();
  return parse(contents.str(), path.string());
}

result<envelope_table, std::string> envelope_table::parse(
    std::string_view text, std::string_view source) {
  toml::table document;
  try {
    document = toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    return failure{fmt::format(
        "{}:{}:{}: invalid TOML: {}", source, error.source().begin.line,
        error.source().begin.column, error.description())};
  }

  envelope_table table;
  table.name_ = "unnamed";
  for (const auto& [key, node] : document) {
    if (key == "name") {
      auto name = node.value<std::string>();
      if (!name || name->empty()) {
        return failure{
            fmt::format("{}: name = {} is invalid; expected a "
                        "non-empty string",
                        source, describe(node))};
      }
      table.name_ = *name;
    } else if (key == "default") {
      auto rule = read_rule(node, table.default_rule_, "default", source);
      if (!rule) return failure{rule.error()};
      table.default_rule_ = rule.value();
    } else if (key != "sensor_type" && key != "sensor_id") {
      return failure{
          fmt::format("{}: unknown key '{}'; allowed keys are "
                      "name, default, sensor_type, sensor_id",
                      source, key.str())};
    }
  }

  // Types inherit from the default and ids from their table entry alone,
  // so the outcome does not depend on the order of tables in the file.
  for (std::string_view section : {"sensor_type", "sensor_id"}) {
    const toml::node* node = document.get(section);
    if (node == nullptr) continue;
    const toml::table* entries = node->as_table();
    if (entries == nullptr) {
      return failure{
          fmt::format("{}: {} must be a table of tables", source, section)};
    }
    rule_map& target =
        section == "sensor_type" ? table.by_sensor_type_ : table.by_sensor_id_;
    for (const auto& [key, entry] : *entries) {
      std::string path = fmt::format("{}.\"{}\"", section, key.str());
      auto rule = read_rule(entry, table.default_rule_, path, source);
      if (!rule) return failure{rule.error()};
      target.emplace(std::string(key.str()), rule.value());
    }
  }
  table.name_ = fmt::format("{}#{:08x}", table.name_, fnv1a(text));
  return table;
}

const envelope_rule& envelope_table::find(std::string_view sensor_id,
                                          std::string_view sensor_type) const {
  if (auto it = by_sensor_id_.find(sensor_id); it != by_sensor_id_.end()) {
    return it->second;
  }
  if (auto it = by_sensor_type_.find(sensor_type);
      it != by_sensor_type_.end()) {
    return it->second;
  }
  return default_rule_;
}

}  // namespace ntscada
