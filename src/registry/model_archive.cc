#include "registry/model_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>

#include "common/json_writer.h"
#include "reading/timestamp.h"
#include "registry/sha256.h"

namespace ntscada {
namespace {

namespace fs = std::filesystem;

constexpr int kArchiveFormatVersion = 1;
constexpr std::string_view kTopFolder = "ntscada-models";
constexpr std::array<std::string_view, 3> kVersionFiles = {
    "model.json", "metadata.json", "version.json"};
// Larger archives are refused rather than read into memory; a model of
// the default size takes a few megabytes.
constexpr la_int64_t kMaxArchiveBytes = la_int64_t{1} << 30;

struct archive_closer {
  void operator()(archive* a) const { archive_free(a); }
};
using archive_ptr = std::unique_ptr<archive, archive_closer>;

struct entry_closer {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

result<std::string, std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return failure{fmt::format("cannot read {}", path.string())};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string manifest_json(std::span<const archived_version> versions) {
  std::string list = "[";
  for (const archived_version& v : versions) {
    if (list.size() > 1) list += ',';
    std::string aliases = "[";
    for (const std::string& alias : v.aliases) {
      if (aliases.size() > 1) aliases += ',';
      append_json_string(aliases, alias);
    }
    aliases += ']';
    json_object_writer(list)
        .member("name", v.name)
        .member("version", std::int64_t{v.exported_version})
        .member("sha256", v.sha256)
        .raw_member("aliases", aliases)
        .finish();
  }
  list += ']';
  std::string text;
  json_object_writer(text)
      .member("format_version", std::int64_t{kArchiveFormatVersion})
      .member("exported", format_rfc3339(wall_clock_now()))
      .raw_member("versions", list)
      .finish();
  return text;
}

result<bool, std::string> add_entry(archive* out, const std::string& path,
                                    std::string_view content) {
  std::unique_ptr<archive_entry, entry_closer> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), path.c_str());
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_mtime(entry.get(), ::time(nullptr), 0);
  if (archive_write_header(out, entry.get()) != ARCHIVE_OK ||
      archive_write_data(out, content.data(), content.size()) !=
          static_cast<la_ssize_t>(content.size())) {
    return failure{fmt::format("cannot write {} into the archive: {}", path,
                               archive_error_string(out))};
  }
  return true;
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

// Splits "ntscada-models/NAME/N/FILE" into its parts, or fails with the
// reason the path is not one the archive may hold.
struct entry_path {
  std::string name;
  int version = 0;
  std::string file;
};
result<entry_path, std::string> parse_entry_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  if (parts.size() != 4 || parts[0] != kTopFolder) {
    return failure{std::string("not of the form ntscada-models/NAME/N/FILE")};
  }
  if (std::string problem = local_registry::validate_name(parts[1]);
      !problem.empty()) {
    return failure{"invalid model name " + problem};
  }
  auto version = parse_version(parts[2]);
  if (!version) return failure{std::string("the version is not a number")};
  bool known = false;
  for (std::string_view file : kVersionFiles) known |= parts[3] == file;
  if (!known) return failure{std::string("not a registry file")};
  return entry_path{std::string(parts[1]), *version, std::string(parts[3])};
}

}  // namespace

result<std::vector<archived_version>, std::string> export_models(
    const local_registry& registry,
    std::span<const registered_version> versions, const fs::path& archive) {
  if (versions.empty()) {
    return failure{std::string("nothing to export: no versions selected")};
  }
  std::vector<archived_version> exported;
  std::set<std::pair<std::string, int>> seen;
  for (const registered_version& version : versions) {
    if (!seen.emplace(version.name, version.version).second) {
      return failure{fmt::format("{}@{} is selected twice", version.name,
                                 version.version)};
    }
    auto verified = registry.verify(version);
    if (!verified) return failure{verified.error()};
    exported.push_back({version.name, version.version, 0, version.sha256,
                        version.aliases, false});
  }

  fs::path temporary = archive;
  temporary += fmt::format(".tmp-{}", ::getpid());
  archive_ptr out(archive_write_new());
  archive_write_add_filter_gzip(out.get());
  archive_write_set_format_pax_restricted(out.get());
  if (archive_write_open_filename(out.get(), temporary.c_str()) != ARCHIVE_OK) {
    return failure{fmt::format("cannot create {}: {}", temporary.string(),
                               archive_error_string(out.get()))};
  }
  auto fail = [&](std::string message)
      -> result<std::vector<archived_version>, std::string> {
    out.reset();
    std::error_code ignored;
    fs::remove(temporary, ignored);
    return failure{std::move(message)};
  };
  auto added = add_entry(out.get(), fmt::format("{}/manifest.json", kTopFolder),
                         manifest_json(exported));
  if (!added) return fail(added.error());
  for (const registered_version& version : versions) {
    for (std::string_view file : kVersionFiles) {
      auto content = read_file(version.folder / std::string(file));
      if (!content) return fail(content.error());
      added = add_entry(out.get(),
                        fmt::format("{}/{}/{}/{}", kTopFolder, version.name,
                                    version.version, file),
                        content.value());
      if (!added) return fail(added.error());
    }
  }
  if (archive_write_close(out.get()) != ARCHIVE_OK) {
    return fail(fmt::format("cannot finish {}: {}", temporary.string(),
                            archive_error_string(out.get())));
  }
  std::error_code error;
  fs::rename(temporary, archive, error);
  if (error) {
    return fail(fmt::format("cannot rename {} to {}: {}", temporary.string(),
                            archive.string(), error.message()));
  }
  return exported;
}

result<std::vector<archived_version>, std::string> import_models(
    local_registry& registry, const fs::path& archive, bool keep_aliases) {
  archive_ptr in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_tar(in.get());
  if (archive_read_open_filename(in.get(), archive.c_str(), 1 << 16) !=
      ARCHIVE_OK) {
    return failure{fmt::format("cannot open model archive {}: {}",
                               archive.string(),
                               archive_error_string(in.get()))};
  }

  // Read everything into memory first, so that nothing is registered from
  // an archive that turns out to be truncated or tampered with.
  std::optional<std::string> manifest_text;
  std::map<std::pair<std::string, int>, std::map<std::string, std::string>>
      files;
  archive_entry* entry = nullptr;
  la_int64_t total_bytes = 0;
  while (true) {
    int status = archive_read_next_header(in.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status != ARCHIVE_OK) {
      return failure{fmt::format("model archive {} is damaged: {}",
                                 archive.string(),
                                 archive_error_string(in.get()))};
    }
    std::string path = archive_entry_pathname(entry);
    if (archive_entry_filetype(entry) == AE_IFDIR) continue;
    if (archive_entry_filetype(entry) != AE_IFREG) {
      return failure{fmt::format(
          "model archive {}: entry {} is not a regular file; refused",
          archive.string(), path)};
    }
    la_int64_t size = archive_entry_size(entry);
    total_bytes += std::max<la_int64_t>(size, 0);
    if (size < 0 || total_bytes > kMaxArchiveBytes) {
      return failure{fmt::format(
          "model archive {}: entry {} of {} bytes takes the archive past the "
          "limit of {} bytes; refused",
          archive.string(), path, size, kMaxArchiveBytes)};
    }
    std::string content(static_cast<std::size_t>(size), '\0');
    la_ssize_t read =
        archive_read_data(in.get(), content.data(), content.size());
    if (read != static_cast<la_ssize_t>(size)) {
      return failure{fmt::format(
          "model archive {} is truncated or damaged at {}: {}",
          archive.string(), path,
          read < 0 ? archive_error_string(in.get()) : "short read")};
    }
    if (path == fmt::format("{}/manifest.json", kTopFolder)) {
      if (manifest_text) {
        return failure{
            fmt::format("model archive {}: entry {} appears twice; refused",
                        archive.string(), path)};
      }
      manifest_text = std::move(content);
      continue;
    }
    auto parsed = parse_entry_path(path);
    if (!parsed) {
      return failure{fmt::format("model archive {}: entry {} is {}; refused",
                                 archive.string(), path, parsed.error())};
    }
    auto [slot, added] = files[{parsed->name, parsed->version}].try_emplace(
        parsed->file, std::move(content));
    if (!added) {
      return failure{
          fmt::format("model archive {}: entry {} appears twice; refused",
                      archive.string(), path)};
    }
  }
  if (!manifest_text) {
    return failure{fmt::format("model archive {} has no {}/manifest.json",
                               archive.string(), kTopFolder)};
  }

  simdjson::dom::parser parser;
  simdjson::dom::element manifest;
  if (auto error = parser.parse(*manifest_text).get(manifest)) {
    return failure{fmt::format("model archive {}: manifest.json: {}",
                               archive.string(),
                               simdjson::error_message(error))};
  }
  std::int64_t format_version = 0;
  simdjson::dom::array listed;
  if (manifest["format_version"].get(format_version) ||
      manifest["versions"].get(listed)) {
    return failure{fmt::format("model archive {}: manifest.json is incomplete",
                               archive.string())};
  }
  if (format_version > kArchiveFormatVersion) {
    return failure{fmt::format(
        "model archive {} has format version {}, newer than the {} this "
        "build reads; upgrade NT-SCADA",
        archive.string(), format_version, kArchiveFormatVersion)};
  }

  // Check every listed version, name and alias before registering any.
  std::vector<archived_version> versions;
  std::set<std::pair<std::string, int>> listed_versions;
  for (simdjson::dom::element item : listed) {
    archived_version v;
    std::string_view name, sha256;
    std::int64_t number = 0;
    simdjson::dom::array aliases;
    if (item["name"].get(name) || item["version"].get(number) ||
        item["sha256"].get(sha256) || item["aliases"].get(aliases)) {
      return failure{fmt::format(
          "model archive {}: manifest entry {} lacks name, version, sha256 "
          "or aliases",
          archive.string(), versions.size() + 1)};
    }
    if (std::string problem = local_registry::validate_name(name);
        !problem.empty() || number < 1 ||
        number > std::numeric_limits<int>::max()) {
      return failure{fmt::format(
          "model archive {}: manifest entry {} names an invalid model or "
          "version: {} {}",
          archive.string(), versions.size() + 1, name, number)};
    }
    v.name = name;
    v.exported_version = static_cast<int>(number);
    v.sha256 = sha256;
    if (!listed_versions.emplace(v.name, v.exported_version).second) {
      return failure{fmt::format(
          "model archive {}: the manifest lists model {} version {} twice",
          archive.string(), v.name, v.exported_version)};
    }
    for (simdjson::dom::element alias : aliases) {
      std::string_view text;
      if (alias.get(text) != simdjson::SUCCESS ||
          !local_registry::validate_name(text).empty() ||
          text.find_first_not_of("0123456789") == std::string_view::npos) {
        return failure{fmt::format(
            "model archive {}: model {} version {} has an invalid alias",
            archive.string(), v.name, v.exported_version)};
      }
      v.aliases.emplace_back(text);
    }
    auto found = files.find({v.name, v.exported_version});
    for (std::string_view file : kVersionFiles) {
      if (found == files.end() || !found->second.contains(std::string(file))) {
        return failure{
            fmt::format("model archive {}: model {} version {} has no {}",
                        archive.string(), v.name, v.exported_version, file)};
      }
    }
    std::string digest = sha256_hex(found->second.at("model.json"));
    if (digest != v.sha256) {
      return failure{fmt::format(
          "model archive {}: model {} version {}: checksum mismatch for "
          "model.json: manifest {}, file {}",
          archive.string(), v.name, v.exported_version, v.sha256, digest)};
    }
    versions.push_back(std::move(v));
  }
  for (const auto& [key, content] : files) {
    if (!listed_versions.contains(key)) {
      return failure{fmt::format(
          "model archive {}: model {} version {} is not listed in the "
          "manifest; refused",
          archive.string(), key.first, key.second)};
    }
  }

  std::mt19937_64 random(std::random_device{}());
  fs::path staging =
      fs::temp_directory_path() /
      fmt::format("ntscada-import-{}-{:x}", ::getpid(), random());
  struct remove_on_exit {
    fs::path path;
    ~remove_on_exit() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } cleanup{staging};
  for (archived_version& v : versions) {
    auto present = registry.find_by_checksum(v.name, v.sha256);
    if (!present) return failure{present.error()};
    if (present->has_value()) {
      v.local_version = (*present)->version;
      v.already_present = true;
    } else {
      fs::path folder =
          staging / fmt::format("{}-{}", v.name, v.exported_version);
      fs::create_directories(folder);
      const auto& content = files.at({v.name, v.exported_version});
      for (std::string_view file : {"model.json", "metadata.json"}) {
        std::ofstream out(folder / std::string(file), std::ios::binary);
        out << content.at(std::string(file));
        if (!out.flush()) {
          return failure{fmt::format("cannot write {}",
                                     (folder / std::string(file)).string())};
        }
      }
      auto registered = registry.register_version(v.name, folder);
      if (!registered) return failure{registered.error()};
      v.local_version = registered->version;
    }
    if (keep_aliases) {
      for (const std::string& alias : v.aliases) {
        auto set = registry.set_alias(v.name, alias, v.local_version);
        if (!set) return failure{set.error()};
      }
    }
  }
  return versions;
}

}  // namespace ntscada
