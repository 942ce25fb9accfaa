#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "registry/local_registry.h"

namespace ntscada {

// One version as it went into or came out of an archive.
struct archived_version {
  std::string name;
  // The version number in the exporting registry.
  int exported_version = 0;
  // The version number in the importing registry; 0 on export.
  int local_version = 0;
  std::string sha256;
  std::vector<std::string> aliases;
  // On import: true when the registry already held this model file, so
  // nothing was registered.
  bool already_present = false;
};

// Writes `versions` into one gzip-compressed tar archive at `archive`,
// replacing it atomically. Layout:
//
//   ntscada-models/manifest.json          format, export time, versions
//   ntscada-models/NAME/N/model.json
//   ntscada-models/NAME/N/metadata.json
//   ntscada-models/NAME/N/version.json
//
// Each version's checksum is verified before it is written.
result<std::vector<archived_version>, std::string> export_models(
    const local_registry& registry,
    std::span<const registered_version> versions,
    const std::filesystem::path& archive);

// Registers every version of an archive written by export_models as the
// next version of its name, unless a version with the same model checksum
// exists. With `keep_aliases`, the archive's aliases are set on the
// imported versions; without it, aliases are left alone.
//
// The whole archive is read and checked first: only regular files at the
// paths above are accepted, each model's SHA-256 must match the manifest,
// and a newer archive format is refused. Nothing is registered unless every
// check passed; each registration is atomic on its own.
result<std::vector<archived_version>, std::string> import_models(
    local_registry& registry, const std::filesystem::path& archive,
    bool keep_aliases);

}  // namespace ntscada
