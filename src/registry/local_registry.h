#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ntscada {

// One registered version of a model.
struct registered_version {
  std::string name;
  int version = 0;
  std::string created;  // RFC 3339
  std::string sha256;   // of model.json
  std::vector<std::string> aliases;
  std::filesystem::path folder;
};

// A folder of registered models with numbered versions and movable aliases:
//
//   ROOT/NAME/N/model.json       the XGBoost model
//   ROOT/NAME/N/metadata.json    features, statistics, metrics, training
//   ROOT/NAME/N/version.json     registry record: version, time, SHA-256
//   ROOT/NAME/aliases.json       {"production": N, ...}
//   ROOT/NAME/.lock              serialises writers across processes
//
// Writes are atomic: a version is staged in a hidden folder, its files are
// fsynced and the folder is renamed into place, and aliases.json is
// replaced by rename. Writers of one model take an exclusive flock on its
// .lock, so two trainers registering at once get distinct versions.
// Readers take no lock and see either the old or the new state. An
// instance holds only the root path, so any number of threads may use one.
class local_registry {
 public:
  explicit local_registry(std::filesystem::path root);

  // Validates a model or alias name: 1 to 100 characters from A-Z, a-z,
  // 0-9, '.', '_' and '-', not starting with '.', so no name can leave the
  // registry folder. Returns an empty string when valid, else the reason.
  static std::string validate_name(std::string_view name);

  // Registers the model.json and metadata.json in `source_folder` as the
  // next version of `name`.
  result<registered_version, std::string> register_version(
      std::string_view name, const std::filesystem::path& source_folder);

  result<std::vector<std::string>, std::string> list_models() const;
  result<std::vector<registered_version>, std::string> list_versions(
      std::string_view name) const;

  // Resolves "NAME" (the production alias, else the newest version),
  // "NAME@N" or "NAME@ALIAS" without loading the model.
  result<registered_version, std::string> resolve(
      std::string_view reference) const;

  // Checks the model file against the SHA-256 recorded at registration.
  result<bool, std::string> verify(const registered_version& version) const;

  result<bool, std::string> set_alias(std::string_view name,
                                      std::string_view alias, int version);
  result<bool, std::string> remove_alias(std::string_view name,
                                         std::string_view alias);
  // Deletes a version that no alias points at.
  result<bool, std::string> delete_version(std::string_view name, int version);

  // Returns the version of `name` whose model file has `sha256`, or an
  // empty optional when there is none or the model does not exist yet.
  result<std::optional<registered_version>, std::string> find_by_checksum(
      std::string_view name, std::string_view sha256) const;

  // Writes `text` atomically as `file_name` into the folder of `version`,
  // for records kept beside a version such as its MLflow location. The
  // registry's own files (model.json, metadata.json, version.json) cannot
  // be written this way.
  result<bool, std::string> write_version_note(
      const registered_version& version, std::string_view file_name,
      const std::string& text);

  const std::filesystem::path& root() const { return root_; }

 private:
  result<registered_version, std::string> read_version(std::string_view name,
                                                       int version) const;
  result<std::map<std::string, int>, std::string> read_aliases(
      std::string_view name) const;
  result<bool, std::string> write_aliases(
      std::string_view name, const std::map<std::string, int>& aliases);

  std::filesystem::path root_;
};

}  // namespace ntscada
