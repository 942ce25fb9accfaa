#include "registry/local_registry.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <random>
#include <sstream>

#include "common/json_writer.h"
#include "reading/timestamp.h"
#include "registry/sha256.h"

namespace ntscada {
namespace {

namespace fs = std::filesystem;

constexpr int kRegistryFormatVersion = 1;

// An exclusive flock on a model's .lock file, released on destruction.
class model_lock {
 public:
  static result<model_lock, std::string> acquire(const fs::path& folder) {
    std::error_code error;
    fs::create_directories(folder, error);
    fs::path path = folder / ".lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
      if (fd >= 0) ::close(fd);
      return failure{fmt::format("cannot lock {}: {}", path.string(),
                                 std::strerror(errno))};
    }
    return model_lock(fd);
  }
  model_lock(model_lock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  model_lock& operator=(model_lock&&) = delete;
  ~model_lock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
  }

 private:
  explicit model_lock(int fd) : fd_(fd) {}
  int fd_;
};

// Flushes a file or folder to disk.
result<bool, std::string> sync_path(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return failure{fmt::format("cannot fsync {}: {}", path.string(),
                               std::strerror(errno))};
  }
  ::close(fd);
  return true;
}

// Writes `text` to `path` atomically: a temporary file beside it, fsync,
// rename, fsync of the folder.
result<bool, std::string> write_atomically(const fs::path& path,
                                           const std::string& text) {
  fs::path temporary = path;
  temporary += fmt::format(".tmp-{}", ::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      return failure{fmt::format("cannot write {}", temporary.string())};
    }
  }
  if (auto synced = sync_path(temporary); !synced) return synced;
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    return failure{fmt::format("cannot rename {} to {}: {}", temporary.string(),
                               path.string(), error.message())};
  }
  return sync_path(path.parent_path());
}

std::optional<int> parse_version(std::string_view text) {
  int value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) {
    return std::nullopt;
  }
  return value;
}

// Fails unless `name` is a valid model name, so that no path built from it
// leaves the registry folder.
result<bool, std::string> check_model_name(std::string_view name) {
  if (std::string problem = local_registry::validate_name(name);
      !problem.empty()) {
    return failure{"invalid model name " + problem};
  }
  return true;
}

std::string now_rfc3339() {
  return format_rfc3339(std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
}

}  // namespace

local_registry::local_registry(fs::path root) : root_(std::move(root)) {}

std::string local_registry::validate_name(std::string_view name) {
  if (name.empty() || name.size() > 100) {
    return fmt::format("'{}' must be 1 to 100 characters long", name);
  }
  if (name.front() == '.') {
    return fmt::format("'{}' must not start with '.'", name);
  }
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!allowed) {
      return fmt::format(
          "'{}' contains '{}'; allowed are A-Z, a-z, 0-9, "
          "'.', '_' and '-'",
          name, c);
    }
  }
  return {};
}

result<registered_version, std::string> local_registry::register_version(
    std::string_view name, const fs::path& source_folder) {
  if (std::string problem = validate_name(name); !problem.empty()) {
    return failure{"invalid model name " + problem};
  }
  for (const char* file : {"model.json", "metadata.json"}) {
    if (!fs::is_regular_file(source_folder / file)) {
      return failure{fmt::format("cannot register {}: {} is missing", name,
                                 (source_folder / file).string())};
    }
  }
  fs::path model_folder = root_ / std::string(name);
  auto lock = model_lock::acquire(model_folder);
  if (!lock) return failure{lock.error()};

  int next = 1;
  for (const auto& entry : fs::directory_iterator(model_folder)) {
    if (auto number = parse_version(entry.path().filename().string())) {
      next = std::max(next, *number + 1);
    }
  }

  // Stage the version in a hidden folder, then rename it into place.
  std::mt19937_64 random(std::random_device{}());
  fs::path staging =
      model_folder / fmt::format(".staging-{}-{:x}", ::getpid(), random());
  std::error_code error;
  fs::create_directories(staging, error);
  auto cleanup = [&] { fs::remove_all(staging, error); };
  for (const char* file : {"model.json", "metadata.json"}) {
    fs::copy_file(source_folder / file, staging / file, error);
    if (error) {
      cleanup();
      return failure{fmt::format("cannot copy {} into the registry: {}",
                                 (source_folder / file).string(),
                                 error.message())};
    }
    if (auto synced = sync_path(staging / file); !synced) {
      cleanup();
      return failure{synced.error()};
    }
  }
  auto digest = sha256_of_file(staging / "model.json");
  if (!digest) {
    cleanup();
    return failure{digest.error()};
  }
  registered_version version{
      std::string(name), next, now_rfc3339(),
      digest.value(),    {},   model_folder / std::to_string(next)};
  std::string record;
  json_object_writer(record)
      .member("format_version", std::int64_t{kRegistryFormatVersion})
      .member("name", version.name)
      .member("version", std::int64_t{version.version})
      .member("created", version.created)
      .member("model_file", "model.json")
      .member("sha256", version.sha256)
      .finish();
  auto written = write_atomically(staging / "version.json", record);
  if (!written) {
    cleanup();
    return failure{written.error()};
  }
  if (auto synced = sync_path(staging); !synced) {
    cleanup();
    return failure{synced.error()};
  }
  fs::rename(staging, version.folder, error);
  if (error) {
    cleanup();
    return failure{fmt::format("cannot publish {}: {}", version.folder.string(),
                               error.message())};
  }
  if (auto synced = sync_path(model_folder); !synced) {
    return failure{synced.error()};
  }
  return version;
}

result<std::vector<std::string>, std::string> local_registry::list_models()
    const {
  std::vector<std::string> names;
  std::error_code error;
  if (!fs::is_directory(root_, error)) {
    return failure{fmt::format(
        "model registry folder {} does not exist; train a model first or "
        "pass --registry",
        root_.string())};
  }
  for (const auto& entry : fs::directory_iterator(root_)) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory() && validate_name(name).empty()) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

result<std::map<std::string, int>, std::string> local_registry::read_aliases(
    std::string_view name) const {
  std::map<std::string, int> aliases;
  fs::path path = root_ / std::string(name) / "aliases.json";
  if (!fs::exists(path)) return aliases;
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (auto error = parser.load(path.string()).get(object)) {
    return failure{fmt::format("cannot read aliases {}: {}", path.string(),
                               simdjson::error_message(error))};
  }
  for (auto [alias, value] : object) {
    std::int64_t version = 0;
    if (value.get(version)) {
      return failure{
          fmt::format("aliases {}: alias {} is not a version "
                      "number",
                      path.string(), alias)};
    }
    aliases[std::string(alias)] = static_cast<int>(version);
  }
  return aliases;
}

result<bool, std::string> local_registry::write_aliases(
    std::string_view name, const std::map<std::string, int>& aliases) {
  std::string text;
  json_object_writer writer(text);
  for (const auto& [alias, version] : aliases) {
    writer.member(alias, std::int64_t{version});
  }
  writer.finish();
  return write_atomically(root_ / std::string(name) / "aliases.json", text);
}

result<registered_version, std::string> local_registry::read_version(
    std::string_view name, int version) const {
  fs::path folder = root_ / std::string(name) / std::to_string(version);
  fs::path path = folder / "version.json";
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.load(path.string()).get(root)) {
    return failure{fmt::format("model {} version {}: cannot read {}: {}", name,
                               version, path.string(),
                               simdjson::error_message(error))};
  }
  std::int64_t format_version = 0;
  std::string_view created, sha256;
  if (root["format_version"].get(format_version) ||
      root["created"].get(created) || root["sha256"].get(sha256)) {
    return failure{fmt::format("model {} version {}: {} is incomplete", name,
                               version, path.string())};
  }
  if (format_version > kRegistryFormatVersion) {
    return failure{fmt::format(
        "model {} version {}: {} has format version {}, newer than the {} "
        "this build reads; upgrade NT-SCADA",
        name, version, path.string(), format_version, kRegistryFormatVersion)};
  }
  registered_version out{std::string(name),   version, std::string(created),
                         std::string(sha256), {},      folder};
  auto aliases = read_aliases(name);
  if (!aliases) return failure{aliases.error()};
  for (const auto& [alias, target] : aliases.value()) {
    if (target == version) out.aliases.push_back(alias);
  }
  return out;
}

result<std::vector<registered_version>, std::string>
local_registry::list_versions(std::string_view name) const {
  if (auto valid = check_model_name(name); !valid)
    return failure{valid.error()};
  fs::path model_folder = root_ / std::string(name);
  if (!fs::is_directory(model_folder)) {
    return failure{
        fmt::format("model {} not found in registry {}", name, root_.string())};
  }
  std::vector<int> numbers;
  for (const auto& entry : fs::directory_iterator(model_folder)) {
    if (auto number = parse_version(entry.path().filename().string())) {
      numbers.push_back(*number);
    }
  }
  std::sort(numbers.begin(), numbers.end());
  std::vector<registered_version> versions;
  for (int number : numbers) {
    auto version = read_version(name, number);
    if (!version) return failure{version.error()};
    versions.push_back(std::move(version.value()));
  }
  return versions;
}

result<registered_version, std::string> local_registry::resolve(
    std::string_view reference) const {
  std::string_view name = reference.substr(0, reference.find('@'));
  if (auto valid = check_model_name(name); !valid)
    return failure{valid.error()};
  auto versions = list_versions(name);
  if (!versions) return failure{versions.error()};
  if (versions->empty()) {
    return failure{fmt::format("model {} has no versions", name)};
  }
  auto aliases = read_aliases(name);
  if (!aliases) return failure{aliases.error()};

  std::optional<int> wanted;
  if (auto at = reference.find('@'); at != std::string_view::npos) {
    std::string_view selector = reference.substr(at + 1);
    wanted = parse_version(selector);
    if (!wanted) {
      auto alias = aliases->find(std::string(selector));
      if (alias == aliases->end()) {
        std::vector<std::string_view> known;
        for (const auto& [known_alias, target] : aliases.value()) {
          known.push_back(known_alias);
        }
        return failure{fmt::format(
            "model {} has no alias '{}'; its aliases: {}", name, selector,
            known.empty() ? std::string("none")
                          : fmt::format("{}", fmt::join(known, ", ")))};
      }
      wanted = alias->second;
    }
  } else if (auto production = aliases->find("production");
             production != aliases->end()) {
    wanted = production->second;
  } else {
    wanted = versions->back().version;  // newest, by integer order
  }
  for (auto& version : versions.value()) {
    if (version.version == *wanted) return std::move(version);
  }
  return failure{fmt::format("model {} has no version {}", name, *wanted)};
}

result<bool, std::string> local_registry::verify(
    const registered_version& version) const {
  fs::path model = version.folder / "model.json";
  auto digest = sha256_of_file(model);
  if (!digest) return failure{digest.error()};
  if (digest.value() != version.sha256) {
    return failure{fmt::format(
        "model {} version {}: checksum mismatch for {}: recorded {}, file "
        "has {}; the file was changed or truncated after registration",
        version.name, version.version, model.string(), version.sha256,
        digest.value())};
  }
  return true;
}

result<bool, std::string> local_registry::set_alias(std::string_view name,
                                                    std::string_view alias,
                                                    int version) {
  if (auto valid = check_model_name(name); !valid) return valid;
  if (std::string problem = validate_name(alias); !problem.empty()) {
    return failure{"invalid alias " + problem};
  }
  if (parse_version(alias)) {
    return failure{
        fmt::format("invalid alias '{}': a number would read as "
                    "a version",
                    alias)};
  }
  auto lock = model_lock::acquire(root_ / std::string(name));
  if (!lock) return failure{lock.error()};
  auto target = read_version(name, version);
  if (!target) return failure{target.error()};
  auto aliases = read_aliases(name);
  if (!aliases) return failure{aliases.error()};
  aliases.value()[std::string(alias)] = version;
  return write_aliases(name, aliases.value());
}

result<bool, std::string> local_registry::remove_alias(std::string_view name,
                                                       std::string_view alias) {
  if (auto valid = check_model_name(name); !valid) return valid;
  auto lock = model_lock::acquire(root_ / std::string(name));
  if (!lock) return failure{lock.error()};
  auto aliases = read_aliases(name);
  if (!aliases) return failure{aliases.error()};
  if (aliases->erase(std::string(alias)) == 0) {
    return failure{fmt::format("model {} has no alias '{}'", name, alias)};
  }
  return write_aliases(name, aliases.value());
}

result<bool, std::string> local_registry::delete_version(std::string_view name,
                                                         int version) {
  if (auto valid = check_model_name(name); !valid) return valid;
  auto lock = model_lock::acquire(root_ / std::string(name));
  if (!lock) return failure{lock.error()};
  auto target = read_version(name, version);
  if (!target) return failure{target.error()};
  if (!target->aliases.empty()) {
    return failure{fmt::format(
        "model {} version {} is still the target of alias {}; move or "
        "remove the alias first",
        name, version, fmt::join(target->aliases, ", "))};
  }
  // Rename first so readers never see a half-deleted version.
  fs::path doomed = target->folder.parent_path() /
                    fmt::format(".deleting-{}-{}", version, ::getpid());
  std::error_code error;
  fs::rename(target->folder, doomed, error);
  if (error) {
    return failure{fmt::format("cannot delete {}: {}", target->folder.string(),
                               error.message())};
  }
  fs::remove_all(doomed, error);
  return true;
}

result<std::optional<registered_version>, std::string>
local_registry::find_by_checksum(std::string_view name,
                                 std::string_view sha256) const {
  if (!fs::is_directory(root_ / std::string(name))) {
    return std::optional<registered_version>();
  }
  auto versions = list_versions(name);
  if (!versions) return failure{versions.error()};
  for (auto& version : versions.value()) {
    if (version.sha256 == sha256) {
      return std::optional<registered_version>(std::move(version));
    }
  }
  return std::optional<registered_version>();
}

result<bool, std::string> local_registry::write_version_note(
    const registered_version& version, std::string_view file_name,
    const std::string& text) {
  if (std::string problem = validate_name(file_name); !problem.empty()) {
    return failure{"invalid note file name " + problem};
  }
  if (file_name == "model.json" || file_name == "metadata.json" ||
      file_name == "version.json") {
    return failure{
        fmt::format("{} belongs to the registry and is not a note", file_name)};
  }
  return write_atomically(version.folder / std::string(file_name), text);
}

}  // namespace ntscada
