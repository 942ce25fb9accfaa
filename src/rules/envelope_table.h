#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "rules/envelope.h"

namespace ntscada {

// The envelope rules of one rule set, looked up by sensor id first, then by
// sensor type, then the default. Immutable after construction, so any
// number of threads may read it.
class envelope_table {
 public:
  // The built-in rule set "default": 10, 20, 30, 70, 80, 90 for every type,
  // anomalous below Lo or above Hi.
  envelope_table();

  // Loads a rule set from a TOML file (format in docs/envelopes.md). Errors
  // name the file, the key, the bad value and what is allowed.
  static result<envelope_table, std::string> load(
      const std::filesystem::path& path);
  static result<envelope_table, std::string> parse(std::string_view toml,
                                                   std::string_view source);

  const envelope_rule& find(std::string_view sensor_id,
                            std::string_view sensor_type) const;

  // The rule set's name and, for a file, the first 8 hex digits of a hash
  // of its contents, e.g. "skab-valve1#1f2e3d4c".
  const std::string& name() const { return name_; }

  std::size_t sensor_rule_count() const { return by_sensor_id_.size(); }
  std::size_t type_rule_count() const { return by_sensor_type_.size(); }

 private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  using rule_map = std::unordered_map<std::string, envelope_rule, string_hash,
                                      std::equal_to<>>;

  std::string name_ = "default";
  envelope_rule default_rule_;
  rule_map by_sensor_type_;
  rule_map by_sensor_id_;
};

}  // namespace ntscada
