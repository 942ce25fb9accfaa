#include "registry/model_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "registry/sha256.h"

namespace ntscada {
namespace {

namespace fs = std::filesystem;

// Writes a gzip tar archive holding `files` (path, content) as regular
// files, plus a symbolic link when `symlink_path` is set.
void write_tar(const fs::path& path,
               const std::vector<std::pair<std::string, std::string>>& files,
               const std::string& symlink_path = "") {
  archive* out = archive_write_new();
  archive_write_add_filter_gzip(out);
  archive_write_set_format_pax_restricted(out);
  ASSERT_EQ(archive_write_open_filename(out, path.c_str()), ARCHIVE_OK);
  for (const auto& [name, content] : files) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_write_header(out, entry);
    archive_write_data(out, content.data(), content.size());
    archive_entry_free(entry);
  }
  if (!symlink_path.empty()) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, symlink_path.c_str());
    archive_entry_set_filetype(entry, AE_IFLNK);
    archive_entry_set_symlink(entry, "/etc/passwd");
    archive_write_header(out, entry);
    archive_entry_free(entry);
  }
  archive_write_close(out);
  archive_write_free(out);
}

std::string manifest(const std::string& name, int version,
                     const std::string& sha256, int format_version = 1) {
  return "{\"format_version\":" + std::to_string(format_version) +
         ",\"exported\":\"2026-12-04T00:00:00Z\",\"versions\":[{\"name\":\"" +
         name + "\",\"version\":" + std::to_string(version) + ",\"sha256\":\"" +
         sha256 + "\",\"aliases\":[\"production\"]}]}";
}

class ModelArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("ntscada-archive-" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "source");
  }
  void TearDown() override { fs::remove_all(base_); }

  registered_version add(local_registry& registry, const std::string& name,
                         const std::string& model) {
    std::ofstream(base_ / "source" / "model.json") << model;
    std::ofstream(base_ / "source" / "metadata.json") << "{\"kind\":\"x\"}";
    auto version = registry.register_version(name, base_ / "source");
    EXPECT_TRUE(version) << version.error();
    return version.value();
  }

  fs::path base_;
};

TEST_F(ModelArchiveTest, RoundTripCopiesVersionsAndOptionalAliases) {
  local_registry source(base_ / "a");
  add(source, "anomaly", "{\"m\":1}");
  auto second = add(source, "anomaly", "{\"m\":2}");
  add(source, "state", "{\"s\":1}");
  ASSERT_TRUE(source.set_alias("anomaly", "production", 2));
  second = source.resolve("anomaly@2").value();
  auto state = source.resolve("state").value();

  fs::path archive = base_ / "models.tar.gz";
  std::vector<registered_version> chosen = {second, state};
  auto exported = export_models(source, chosen, archive);
  ASSERT_TRUE(exported) << exported.error();
  EXPECT_EQ(exported->size(), 2u);

  // A target that already has an unrelated version 1 of "anomaly".
  local_registry target(base_ / "b");
  add(target, "anomaly", "{\"other\":true}");
  auto imported = import_models(target, archive, /*keep_aliases=*/false);
  ASSERT_TRUE(imported) << imported.error();
  ASSERT_EQ(imported->size(), 2u);
  EXPECT_EQ(imported->at(0).name, "anomaly");
  EXPECT_EQ(imported->at(0).exported_version, 2);
  EXPECT_EQ(imported->at(0).local_version, 2);
  EXPECT_FALSE(imported->at(0).already_present);
  EXPECT_EQ(imported->at(0).aliases, std::vector<std::string>{"production"});
  // Without --keep-aliases the target's resolution is unchanged: newest.
  auto resolved = target.resolve("anomaly@production");
  EXPECT_FALSE(resolved);

  auto copied = target.resolve("anomaly@2").value();
  EXPECT_EQ(copied.sha256, second.sha256);
  EXPECT_TRUE(target.verify(copied));

  // Importing again registers nothing, and can set the aliases.
  auto again = import_models(target, archive, /*keep_aliases=*/true);
  ASSERT_TRUE(again) << again.error();
  EXPECT_TRUE(again->at(0).already_present);
  EXPECT_EQ(again->at(0).local_version, 2);
  EXPECT_EQ(target.list_versions("anomaly")->size(), 2u);
  EXPECT_EQ(target.resolve("anomaly@production")->version, 2);
}

TEST_F(ModelArchiveTest, TruncatedArchiveRegistersNothing) {
  local_registry source(base_ / "a");
  // Incompressible content, so that truncation cuts into the model file.
  std::string model;
  for (int i = 0; i < 200000; ++i) model += std::to_string(i * 7919 % 10007);
  add(source, "anomaly", model);
  fs::path archive = base_ / "models.tar.gz";
  std::vector<registered_version> all = source.list_versions("anomaly").value();
  ASSERT_TRUE(export_models(source, all, archive));
  fs::resize_file(archive, fs::file_size(archive) / 2);

  local_registry target(base_ / "b");
  auto imported = import_models(target, archive, true);
  ASSERT_FALSE(imported);
  EXPECT_NE(imported.error().find("models.tar.gz"), std::string::npos)
      << imported.error();
  EXPECT_FALSE(fs::exists(base_ / "b" / "anomaly"));
}

TEST_F(ModelArchiveTest, ChecksumMismatchNamesModelAndVersion) {
  fs::path archive = base_ / "tampered.tar.gz";
  std::string model = "{\"m\":1}";
  write_tar(archive, {{"ntscada-models/manifest.json",
                       manifest("anomaly", 3, sha256_hex("{\"m\":0}"))},
                      {"ntscada-models/anomaly/3/model.json", model},
                      {"ntscada-models/anomaly/3/metadata.json", "{}"},
                      {"ntscada-models/anomaly/3/version.json", "{}"}});
  local_registry target(base_ / "b");
  auto imported = import_models(target, archive, true);
  ASSERT_FALSE(imported);
  EXPECT_NE(imported.error().find("model anomaly version 3: checksum mismatch"),
            std::string::npos)
      << imported.error();
  EXPECT_FALSE(fs::exists(base_ / "b" / "anomaly"));
}

TEST_F(ModelArchiveTest, EntriesOutsideTheLayoutAreRefused) {
  std::string model = "{\"m\":1}";
  std::vector<std::pair<std::string, std::string>> good = {
      {"ntscada-models/manifest.json",
       manifest("anomaly", 1, sha256_hex(model))},
      {"ntscada-models/anomaly/1/model.json", model},
      {"ntscada-models/anomaly/1/metadata.json", "{}"},
      {"ntscada-models/anomaly/1/version.json", "{}"}};
  local_registry target(base_ / "b");

  for (std::string bad : {"ntscada-models/../../escape/1/model.json",
                          "ntscada-models/anomaly/1/../../../x.json",
                          "/etc/ntscada-models/anomaly/1/model.json",
                          "ntscada-models/anomaly/1/run.sh"}) {
    auto files = good;
    files.emplace_back(bad, "boom");
    fs::path archive = base_ / "bad.tar.gz";
    write_tar(archive, files);
    auto imported = import_models(target, archive, true);
    ASSERT_FALSE(imported) << bad;
    EXPECT_NE(imported.error().find("refused"), std::string::npos)
        << imported.error();
  }
  fs::path archive = base_ / "link.tar.gz";
  write_tar(archive, good, "ntscada-models/anomaly/1/link.json");
  auto imported = import_models(target, archive, true);
  ASSERT_FALSE(imported);
  EXPECT_NE(imported.error().find("not a regular file"), std::string::npos)
      << imported.error();
  EXPECT_FALSE(fs::exists(base_ / "b" / "anomaly"));
  EXPECT_FALSE(fs::exists(base_ / "escape"));

  // The same archive without the bad entry imports.
  write_tar(archive, good);
  auto fine = import_models(target, archive, true);
  ASSERT_TRUE(fine) << fine.error();
  EXPECT_EQ(target.resolve("anomaly@production")->version, 1);
}

TEST_F(ModelArchiveTest, DuplicateUnlistedAndBadAliasRefused) {
  std::string model = "{\"m\":1}";
  std::vector<std::pair<std::string, std::string>> good = {
      {"ntscada-models/manifest.json",
       manifest("anomaly", 1, sha256_hex(model))},
      {"ntscada-models/anomaly/1/model.json", model},
      {"ntscada-models/anomaly/1/metadata.json", "{}"},
      {"ntscada-models/anomaly/1/version.json", "{}"}};
  local_registry target(base_ / "b");
  fs::path archive = base_ / "bad.tar.gz";

  auto duplicated = good;
  duplicated.emplace(duplicated.begin() + 1,
                     "ntscada-models/anomaly/1/model.json", "{\"m\":666}");
  write_tar(archive, duplicated);
  auto imported = import_models(target, archive, true);
  ASSERT_FALSE(imported);
  EXPECT_NE(imported.error().find("appears twice"), std::string::npos)
      << imported.error();

  auto unlisted = good;
  unlisted.emplace_back("ntscada-models/anomaly/2/model.json", model);
  write_tar(archive, unlisted);
  imported = import_models(target, archive, true);
  ASSERT_FALSE(imported);
  EXPECT_NE(imported.error().find("anomaly version 2 is not listed"),
            std::string::npos)
      << imported.error();

  auto bad_alias = good;
  bad_alias[0].second.replace(bad_alias[0].second.find("production"), 10,
                              "../../evil");
  write_tar(archive, bad_alias);
  imported = import_models(target, archive, true);
  ASSERT_FALSE(imported);
  EXPECT_NE(imported.error().find("has an invalid alias"), std::string::npos)
      << imported.error();
  EXPECT_FALSE(fs::exists(base_ / "b" / "anomaly"));
}

TEST_F(ModelArchiveTest, NewerArchiveFormatRefused) {
  std::string model = "{\"m\":1}";
  fs::path archive = base_ / "future.tar.gz";
  write_tar(archive, {{"ntscada-models/manifest.json",
                       manifest("anomaly", 1, sha256_hex(model), 2)},
                      {"ntscada-models/anomaly/1/model.json", model},
                      {"ntscada-models/anomaly/1/metadata.json", "{}"},
                      {"ntscada-models/anomaly/1/version.json", "{}"}});
  local_registry target(base_ / "b");
  auto imported = import_models(target, archive, true);
  ASSERT_FALSE(imported);
  EXPECT_NE(imported.error().find("format version 2"), std::string::npos)
      << imported.error();
}

TEST_F(ModelArchiveTest, NotAnArchiveIsNamed) {
  fs::path archive = base_ / "notes.txt";
  std::ofstream(archive) << "just some text\n";
  local_registry target(base_ / "b");
  auto imported = import_models(target, archive, true);
  ASSERT_FALSE(imported);
  EXPECT_NE(imported.error().find("notes.txt"), std::string::npos)
      << imported.error();
}

}  // namespace
}  // namespace ntscada
